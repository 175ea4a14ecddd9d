package com.vendstream.order.checkout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vendstream.order.checkout.CheckoutSigning.Verdict;
import com.vendstream.schemas.checkout.CheckoutSignatures;
import com.vendstream.schemas.checkout.CheckoutSignatures.SigningKey;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CheckoutSigningTest {

    static final SigningKey A1 = new SigningKey("a-1", "merchant-a-first-secret-0123456789abc");
    static final SigningKey A2 = new SigningKey("a-2", "merchant-a-second-secret-0123456789ab");
    static final SigningKey B1 = new SigningKey("b-1", "merchant-b-first-secret-0123456789abc");
    static final byte[] VALUE = "framed avro bytes".getBytes(StandardCharsets.UTF_8);

    final CheckoutSigning signing = new CheckoutSigning(true, Map.of("a", List.of(A1, A2), "b", List.of(B1)));

    @Test
    void theEnvelopesMerchantsCurrentAndNextKeysVerifyAndNothingElse() {
        assertThat(signing.verify("a", "a-1", CheckoutSignatures.sign(A1.secret(), VALUE), VALUE)).isEqualTo(Verdict.VALID);
        assertThat(signing.verify("a", "a-2", CheckoutSignatures.sign(A2.secret(), VALUE), VALUE)).isEqualTo(Verdict.VALID);
        assertThat(signing.verify("a", null, null, VALUE)).isEqualTo(Verdict.MISSING);
        assertThat(signing.verify("a", "a-1", null, VALUE)).isEqualTo(Verdict.MISSING);
        // B's own key, on an event naming A.
        assertThat(signing.verify("a", "b-1", CheckoutSignatures.sign(B1.secret(), VALUE), VALUE))
                .isEqualTo(Verdict.UNKNOWN_KEY);
        assertThat(signing.verify("a", "a-1", CheckoutSignatures.sign(B1.secret(), VALUE), VALUE))
                .isEqualTo(Verdict.MISMATCH);
        assertThat(signing.verify("nobody", "a-1", CheckoutSignatures.sign(A1.secret(), VALUE), VALUE))
                .isEqualTo(Verdict.UNKNOWN_KEY);
        assertThat(signing.verify(null, "a-1", CheckoutSignatures.sign(A1.secret(), VALUE), VALUE))
                .isEqualTo(Verdict.UNKNOWN_KEY);
        assertThat(signing.verify("a", "a-1", "v1=00", VALUE)).isEqualTo(Verdict.MALFORMED);
        assertThat(Verdict.UNKNOWN_KEY.code()).isEqualTo("unknown-key");
    }

    /** What the headers alone tell, before the record is decoded to learn its merchant. */
    @Test
    void theHeadersAloneRefuseMissingMalformedAndUnknownKeysBeforeTheMerchantIsKnown() {
        String good = CheckoutSignatures.sign(A1.secret(), VALUE);
        assertThat(signing.screen("a-1", good)).isEqualTo(Verdict.VALID);
        // Known to some merchant: whether it is the envelope merchant's needs the decode (verify).
        assertThat(signing.screen("b-1", good)).isEqualTo(Verdict.VALID);
        assertThat(signing.screen(" a-1", good)).isEqualTo(Verdict.UNKNOWN_KEY);
        assertThat(signing.screen("nobody-1", good)).isEqualTo(Verdict.UNKNOWN_KEY);
        assertThat(signing.screen(null, good)).isEqualTo(Verdict.MISSING);
        assertThat(signing.screen("a-1", null)).isEqualTo(Verdict.MISSING);
        for (String malformed : new String[] {"", "v1=", "v1=00", "v2=" + good.substring(3), good + "00",
                "v1=" + "g".repeat(64)}) {
            assertThat(signing.screen("a-1", malformed)).as(malformed).isEqualTo(Verdict.MALFORMED);
        }
    }

    @Test
    void moreThanCurrentAndNextOrAKeyIdTwiceStopsTheStart() {
        SigningKey a3 = new SigningKey("a-3", "merchant-a-third-secret-0123456789abc");
        assertThatThrownBy(() -> new CheckoutSigning(true, Map.of("a", List.of(A1, A2, a3))))
                .hasMessageContaining("at most 2");
        assertThatThrownBy(() -> new CheckoutSigning(true, Map.of("a", List.of(A1,
                new SigningKey("a-1", "another-secret-for-the-same-id-0123456")))))
                .hasMessageContaining("two checkout signing keys a-1");
        assertThat(new CheckoutSigning(true, null).signingKeys()).isEmpty();
        assertThat(signing.toString()).doesNotContain(A1.secret(), B1.secret());
    }
}
