package com.vendstream.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The login guards' HMAC key: a deployment without one must not start (a random key per start would forget every
 * lockout at each restart and give each instance its own count); only a run that asks for it gets a random key.
 */
class GuardKeyTest {

    private static final String KEY = "a deployment key of thirty-two characters or more";

    @Test
    void withoutAKeyTheServiceRefusesToStartUnlessARandomOneIsAskedFor() {
        assertThatThrownBy(() -> OpsConfiguration.guardKey("", false)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("vendstream.ops.login.guard-key is not set")
                .hasMessageContaining("ephemeral-guard-key");
        assertThatThrownBy(() -> OpsConfiguration.guardKey(null, false)).isInstanceOf(IllegalStateException.class);

        byte[] first = OpsConfiguration.guardKey("", true);
        byte[] second = OpsConfiguration.guardKey("", true);
        assertThat(first).hasSizeGreaterThanOrEqualTo(32);
        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void aShortKeyIsRefusedAndAGoodOneIsUsedAsGiven() {
        assertThatThrownBy(() -> OpsConfiguration.guardKey("too short", true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least")
                .hasMessageNotContaining("too short");
        assertThat(OpsConfiguration.guardKey(KEY, false)).isEqualTo(KEY.getBytes(StandardCharsets.UTF_8));
    }
}
