/**
 * SPNEGO (RFC 4178 with the MS-SPNG extensions) negotiating NTLMSSP: a bounded DER codec, the
 * GSS-API initial-token framing of RFC 2743 3.1, NegTokenInit/NegTokenInit2/NegTokenResp, the
 * acceptor as a DCE/RPC security context (auth type 9) and an initiator for clients and tests.
 */
package dev.sambasidecars.witness.spnego;
