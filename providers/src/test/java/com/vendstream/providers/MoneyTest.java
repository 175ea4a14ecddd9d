package com.vendstream.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vendstream.providers.support.Lenient;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class MoneyTest {

    @Test
    void twoDigitCurrenciesSendTwoDecimals() {
        for (String code : new String[] {"KES", "NGN", "ZAR", "LRD", "USD"}) {
            Money m = Money.of(50_000, code);
            assertThat(m.exponent()).isEqualTo(2);
            assertThat(m.toDecimal().toPlainString()).isEqualTo("500.00");
            assertThat(m.toPlainDecimal().toPlainString()).isEqualTo("500");
            assertThat(Money.ofDecimal(new BigDecimal("500.00"), code)).isEqualTo(m);
        }
        assertThat(Money.of(1, "USD").toDecimal().toPlainString()).isEqualTo("0.01");
        assertThat(Money.of(12_340, "NGN").toPlainDecimal().toPlainString()).isEqualTo("123.4");
        assertThat(Money.of(0, "KES").toDecimal().toPlainString()).isEqualTo("0.00");
        assertThat(Money.of(0, "KES").toPlainDecimal().toPlainString()).isEqualTo("0");
    }

    @Test
    void zeroDigitCurrenciesSendWholeUnits() {
        assertThat(Money.of(500, "JPY").exponent()).isZero();
        assertThat(Money.of(500, "JPY").toDecimal().toPlainString()).isEqualTo("500");
        assertThat(Money.of(5_000, "RWF").toDecimal().toPlainString()).isEqualTo("5000");
        assertThat(Money.ofDecimal(new BigDecimal("500"), "JPY").minor()).isEqualTo(500);
        assertThat(Money.ofDecimal(new BigDecimal("500.0"), "jpy").minor()).isEqualTo(500);
    }

    @Test
    void threeDigitCurrenciesSendThreeDecimals() {
        for (String code : new String[] {"BHD", "KWD"}) {
            assertThat(Money.of(1_234, code).exponent()).isEqualTo(3);
            assertThat(Money.of(1_234, code).toDecimal().toPlainString()).isEqualTo("1.234");
            assertThat(Money.parse("1.234", code).minor()).isEqualTo(1_234);
            assertThat(Money.parse("1.2", code).minor()).isEqualTo(1_200);
        }
    }

    @Test
    void aDecimalFinerThanTheCurrencyIsRefusedNotRounded() {
        assertThatThrownBy(() -> Money.ofDecimal(new BigDecimal("123.455"), "NGN"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("123.455");
        assertThatThrownBy(() -> Money.parse("5000.5", "JPY")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Money.parse("1.2345", "KWD")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Money.ofDecimal(new BigDecimal("1e30"), "KES")).isInstanceOf(IllegalArgumentException.class);
        // A reply's amount that is not exact is unknown (null), never a rounded figure.
        assertThat(Lenient.minor("vtpass", "amount", "123.455", "NGN")).isNull();
        assertThat(Lenient.minor("vtpass", "amount", "123.45", "NGN")).isEqualTo(12_345);
    }

    @Test
    void providersWriteDecimalsLoosely() {
        assertThat(Money.parse("1,000", "NGN").minor()).isEqualTo(100_000);
        assertThat(Money.parse(" 0.1 ", "USD").minor()).isEqualTo(10);
        assertThat(Money.parse("abc", "USD")).isNull();
        assertThat(Money.parse(null, "USD")).isNull();
        assertThat(Money.parse("1.00", null)).isNull();
    }

    @Test
    void onlyCurrenciesWithMinorUnits() {
        assertThatThrownBy(() -> Money.of(1, "XXX")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Money.of(1, "ABC")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Money.of(1, "kes").code()).isEqualTo("KES");
        assertThat(Money.of(1, "kes").wholeMajorUnits()).isFalse();
        assertThat(Money.of(100, "KES").wholeMajorUnits()).isTrue();
    }
}
