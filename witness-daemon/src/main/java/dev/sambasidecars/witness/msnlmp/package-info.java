/** NTLMSSP (MS-NLMP): messages, NTLMv2 verification and session security (signing and sealing). */
package dev.sambasidecars.witness.msnlmp;
