package com.vendstream.poller.requery;

import com.vendstream.kit.outbox.OutboxEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the lease holder changes in its schedule after one requery (or a throttled skip), written by
 * {@link RequeryStore#apply} in one conditional update together with the lease's release. Every change
 * says when the schedule is next due (null: nothing more is scheduled), unless it keeps the stored one; the rest
 * is only what it sets.
 */
public final class Change {

    final Instant nextDueAt;
    /** The next due time is left as stored (someone else set it: an answer landing after a decision). */
    final boolean keepsNextDue;
    boolean requeried;
    int attempts;
    String lastCode;
    Instant lastRequeryAt;
    boolean countAttempt;
    State state;
    Instant escalatedAt;
    String escalationReason;
    Integer throttles;
    Integer confirmationsLeft;
    Requery.Evidence resolution;
    Requery.Evidence contradiction;
    Instant requeriesStoppedAt;
    Reply reply;
    Requery.ManualSettlement manual;
    OutboxEntry lastEmitted;
    final List<OutboxEntry> publish = new ArrayList<>();

    private Change(Instant nextDueAt, boolean keepsNextDue) {
        this.nextDueAt = nextDueAt;
        this.keepsNextDue = keepsNextDue;
    }

    static Change nextDue(Instant at) {
        return new Change(at, false);
    }

    /** A change that leaves the schedule's next due time (and its confirmations left) as they are stored. */
    static Change keepingSchedule() {
        return new Change(null, true);
    }

    /** The requery's number and the provider's code (null when it gave none). */
    Change requeried(int attempts, String code, Instant at) {
        this.requeried = true;
        this.attempts = attempts;
        this.lastCode = code;
        this.lastRequeryAt = at;
        return this;
    }

    /** What the provider replied to this requery, kept with the newest {@link Reply#KEPT} before it. */
    Change reply(Reply reply) {
        this.reply = reply;
        return this;
    }

    /** Settled by two operators' decision rather than by the provider's answer. */
    Change settledManually(Requery.ManualSettlement manual, Requery.Evidence resolution, int confirmationsLeft) {
        this.manual = manual;
        return resolved(resolution, confirmationsLeft);
    }

    /** A confirmation requery counts as an attempt without resetting the count. */
    Change countAttempt() {
        this.countAttempt = true;
        return this;
    }

    Change resolved(Requery.Evidence resolution, int confirmationsLeft) {
        this.state = resolution.outcome();
        this.resolution = resolution;
        this.throttles = 0;
        this.confirmationsLeft = confirmationsLeft;
        return this;
    }

    Change escalated(Instant at, String reason) {
        this.state = State.ESCALATED;
        this.escalatedAt = at;
        this.escalationReason = reason;
        return this;
    }

    Change throttles(int throttles) {
        this.throttles = throttles;
        return this;
    }

    Change confirmationsLeft(int left) {
        this.confirmationsLeft = left;
        return this;
    }

    Change contradiction(Requery.Evidence evidence) {
        this.contradiction = evidence;
        return this;
    }

    Change requeriesStopped(Instant at) {
        this.requeriesStoppedAt = at;
        return this;
    }

    /** Publishes the event and keeps it as the schedule's last word, to be repeated if asked again. */
    Change publish(OutboxEntry event) {
        this.publish.add(event);
        this.lastEmitted = event;
        return this;
    }
}
