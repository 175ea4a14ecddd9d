package com.vendstream.order.api;

import java.util.List;

/** The paging rules every listing endpoint shares (order history, wallets, statements). */
public final class Paging {

    public static final int MAX_SIZE = 200;

    private Paging() {
    }

    /**
     * Adds a paging problem to {@code errors} and throws them all as one 400 problem when any exist.
     * The product of page and size must stay an int skip, or the store would be asked for nonsense.
     */
    public static void require(int page, int size, List<String> errors) {
        if (page < 0 || size < 1 || size > MAX_SIZE || (long) page * size > Integer.MAX_VALUE - MAX_SIZE) {
            errors.add("page must be >= 0 and size between 1 and " + MAX_SIZE);
        }
        if (!errors.isEmpty()) {
            throw Problems.invalid(errors);
        }
    }
}
