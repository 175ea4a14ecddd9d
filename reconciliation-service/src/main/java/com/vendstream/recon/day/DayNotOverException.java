package com.vendstream.recon.day;

import java.time.Instant;
import java.time.LocalDate;

/** A day cannot be closed before it has ended for every merchant that traded on it. */
public class DayNotOverException extends RuntimeException {

    private final LocalDate day;
    private final Instant cutoff;

    public DayNotOverException(LocalDate day, Instant cutoff) {
        super("Business day " + day + " is not over until " + cutoff);
        this.day = day;
        this.cutoff = cutoff;
    }

    public LocalDate day() {
        return day;
    }

    public Instant cutoff() {
        return cutoff;
    }
}
