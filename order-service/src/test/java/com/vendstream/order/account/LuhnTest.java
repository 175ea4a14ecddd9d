package com.vendstream.order.account;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LuhnTest {

    @Test
    void theSeedsValidMeterPassesAndItsInvalidOneFails() {
        // Seed 004: 01451174955 verifies; 12345678912 "did not pass the Luhn validation".
        assertThat(Luhn.valid("01451174955")).isTrue();
        assertThat(Luhn.valid("12345678912")).isFalse();
    }

    @Test
    void nonDigitsFail() {
        assertThat(Luhn.valid("0145-117")).isFalse();
        assertThat(Luhn.valid(null)).isFalse();
    }
}
