package com.vendstream.schemas.checkout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vendstream.schemas.checkout.CheckoutSignatures.SigningKey;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class CheckoutSignaturesTest {

    static final String SECRET = "merchant-a-checkout-secret-0123456789";
    static final byte[] VALUE = {0, 0, 0, 0, 7, 2, 4, 6, 8};

    @Test
    void aSignatureVerifiesOnlyForItsSecretAndItsBytes() {
        String signature = CheckoutSignatures.sign(SECRET, VALUE);
        assertThat(signature).startsWith("v1=").hasSize(3 + 64);
        assertThat(CheckoutSignatures.matches(SECRET, VALUE, signature)).isTrue();
        assertThat(CheckoutSignatures.matches("merchant-b-checkout-secret-0123456789", VALUE, signature)).isFalse();
        byte[] changed = VALUE.clone();
        changed[8] = 9;
        assertThat(CheckoutSignatures.matches(SECRET, changed, signature)).isFalse();
        for (String malformed : new String[] {null, "", "v1=", "v1=zz", "v2=" + signature.substring(3),
                signature.substring(3)}) {
            assertThat(CheckoutSignatures.matches(SECRET, VALUE, malformed)).as(malformed).isFalse();
        }
    }

    @Test
    void headersNameTheKeyAndCarryTheSignatureOnce() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(CheckoutSignatures.SIGNATURE_HEADER, "v1=00".getBytes(StandardCharsets.UTF_8));
        CheckoutSignatures.addTo(headers, new SigningKey("a-2026-01", SECRET), VALUE);
        assertThat(headers.headers(CheckoutSignatures.SIGNATURE_HEADER)).hasSize(1);
        assertThat(CheckoutSignatures.text(headers, CheckoutSignatures.KEY_ID_HEADER)).isEqualTo("a-2026-01");
        assertThat(CheckoutSignatures.matches(SECRET, VALUE,
                CheckoutSignatures.text(headers, CheckoutSignatures.SIGNATURE_HEADER))).isTrue();
    }

    @Test
    void shortSecretsAndOddKeyIdsAreRefusedAndASecretIsNeverPrinted() {
        assertThatThrownBy(() -> new SigningKey("k1", "short")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SigningKey("k 1", SECRET)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new SigningKey("k1", SECRET).toString()).doesNotContain(SECRET).contains("k1");
    }
}
