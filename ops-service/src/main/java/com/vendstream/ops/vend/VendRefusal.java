package com.vendstream.ops.vend;

/** Why an operator's step on an unresolved vend is refused; the HTTP edge answers it as a problem. */
public final class VendRefusal extends RuntimeException {

    public enum Reason {
        INVALID_REQUEST(400, "invalid-request"),
        SELF_APPROVAL(403, "self-approval"),
        NO_SUCH_VEND(404, "no-such-vend"),
        ALREADY_PROPOSED(409, "already-proposed"),
        ALREADY_APPROVED(409, "already-approved"),
        ALREADY_SETTLED(409, "already-settled"),
        NO_PROPOSAL(409, "no-proposal"),
        /** The proposal named by the step was rejected and another one made meanwhile. */
        PROPOSAL_CHANGED(409, "proposal-changed");

        private final int status;
        private final String code;

        Reason(int status, String code) {
            this.status = status;
            this.code = code;
        }

        public int status() {
            return status;
        }

        public String code() {
            return code;
        }
    }

    private final Reason reason;

    public VendRefusal(Reason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
