package com.vendstream.poller.requery;

import java.time.Duration;

/** What one requery learnt, reduced to what the schedule acts on. */
public sealed interface Answer {

    String code();

    String message();

    /**
     * What the provider's code table made of the answer, as a requery's reply records it: SUCCEEDED, FAILED,
     * REQUERY, RETRY, MANUAL, or NO_ANSWER when the provider said nothing about the vend (no reply, refused,
     * throttled, or not asked at all).
     */
    String decision();

    String NO_ANSWER = "NO_ANSWER";

    /**
     * A final answer from the provider.
     *
     * @param detail the provider-level result the event is built from (a connector outcome or a payment status)
     */
    record Final(boolean success, String code, String message, Object detail) implements Answer {

        @Override
        public String decision() {
            return success ? "SUCCEEDED" : "FAILED";
        }
    }

    /**
     * Still pending, or no usable answer at all (network trouble, the provider refused to look).
     *
     * @param throttled   the provider rate-limited the requery itself: back off harder
     * @param keptBackFor our own guards (circuit open, every call slot busy) kept the requery from leaving and
     *                    will for about this long: ask again after it; null when the requery was sent
     * @param needsPerson the provider's answer is final as far as its API goes and a person must look (its code
     *                    table's MANUAL decision): asking again until the deadline would only delay that person
     * @param decision    the code table's decision when the provider answered pending (REQUERY, RETRY, MANUAL),
     *                    NO_ANSWER when it said nothing about the vend
     */
    record NoAnswer(String code, String message, boolean throttled, Duration keptBackFor, boolean needsPerson,
                    String decision) implements Answer {

        public NoAnswer(String code, String message, boolean throttled, Duration keptBackFor, boolean needsPerson) {
            this(code, message, throttled, keptBackFor, needsPerson, needsPerson ? "MANUAL" : NO_ANSWER);
        }

        public NoAnswer(String code, String message, boolean throttled, Duration keptBackFor) {
            this(code, message, throttled, keptBackFor, false);
        }

        public NoAnswer(String code, String message, boolean throttled) {
            this(code, message, throttled, null);
        }

        /** The provider answered, and its answer says a person must look. */
        public static NoAnswer needsPerson(String code, String message, boolean throttled) {
            return new NoAnswer(code, message, throttled, null, true);
        }

        /** The provider answered that it is still pending, with its code table's decision (REQUERY, RETRY). */
        public static NoAnswer stillPending(String code, String message, boolean throttled, Duration keptBackFor,
                                            String decision) {
            return new NoAnswer(code, message, throttled, keptBackFor, false, decision);
        }

        public boolean keptBack() {
            return keptBackFor != null;
        }
    }
}
