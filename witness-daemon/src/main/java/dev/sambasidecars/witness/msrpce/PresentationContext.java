package dev.sambasidecars.witness.msrpce;

import dev.sambasidecars.witness.ndr.NdrSyntax;
import java.util.List;

/**
 * One presentation context as a bind or alter_context settled it on a client's association: the
 * context id, the interface, and the server's answer (C706 {@code p_result_t}) with the transfer
 * syntax it chose.
 */
public record PresentationContext(int contextId, SyntaxId abstractSyntax, int result, int reason,
                                  SyntaxId transferSyntax) {

    /** What a client offers for one context: an interface and the transfer syntaxes it can speak. */
    public record Offer(SyntaxId abstractSyntax, List<SyntaxId> transferSyntaxes) {
        public Offer {
            transferSyntaxes = List.copyOf(transferSyntaxes);
            if (transferSyntaxes.isEmpty()) {
                throw new IllegalArgumentException("an offer needs a transfer syntax");
            }
        }

        /** {@code abstractSyntax} in the given transfer syntaxes, in order of preference. */
        public static Offer of(SyntaxId abstractSyntax, SyntaxId... transferSyntaxes) {
            return new Offer(abstractSyntax, List.of(transferSyntaxes));
        }
    }

    /** True when the server accepted the context. */
    public boolean accepted() {
        return result == Pdu.ContextResult.ACCEPTANCE;
    }

    /** The NDR flavour stubs on this context use (NDR32 unless the server chose NDR64). */
    public NdrSyntax ndr() {
        return SyntaxId.NDR64.equals(transferSyntax) ? NdrSyntax.NDR64 : NdrSyntax.NDR32;
    }

    @Override
    public String toString() {
        return "context " + contextId + " " + abstractSyntax + (accepted() ? " in " + transferSyntax
                : " rejected (result " + result + ", reason " + reason + ")");
    }
}
