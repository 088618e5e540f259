/** Connection-oriented DCE/RPC (C706 chapter 12, MS-RPCE): PDUs, associations and call dispatch. */
package dev.sambasidecars.witness.msrpce;
