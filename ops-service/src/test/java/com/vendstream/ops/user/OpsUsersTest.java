package com.vendstream.ops.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

class OpsUsersTest {

    static final String HASH = new BCryptPasswordEncoder(10).encode("s3cret-enough");

    static OpsUsersProperties.User user(String name, String hash, OpsRole... roles) {
        return new OpsUsersProperties.User(name, hash, Set.of(roles));
    }

    @Test
    void verifiesAgainstTheHashOnly() {
        OpsUsers users = new OpsUsers(List.of(user("olu", HASH, OpsRole.OPERATOR, OpsRole.FINANCE)));
        assertThat(users.verify("olu", "s3cret-enough")).map(OpsUser::roleNames)
                .contains(List.of("OPERATOR", "FINANCE"));
        assertThat(users.verify("olu", "S3cret-enough")).isEmpty();
        assertThat(users.verify("nobody", "s3cret-enough")).isEmpty();
        assertThat(users.verify(null, null)).isEmpty();
    }

    @Test
    void refusesAPasswordWhereAHashBelongsAWeakHashAndUsersWithoutRoles() {
        assertThatThrownBy(() -> new OpsUsers(List.of(user("olu", "s3cret-enough", OpsRole.OPERATOR))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BCrypt")
                .hasMessageNotContaining("s3cret-enough");
        String weak = new BCryptPasswordEncoder(4).encode("s3cret-enough");
        assertThatThrownBy(() -> new OpsUsers(List.of(user("olu", weak, OpsRole.OPERATOR))))
                .hasMessageContaining("cost 04 is below 10".replace("04", "4"));
        assertThatThrownBy(() -> new OpsUsers(List.of(user("olu", HASH))))
                .hasMessageContaining("no role");
        assertThatThrownBy(() -> new OpsUsers(List.of(user("olu", HASH, OpsRole.OPERATOR),
                user("olu", HASH, OpsRole.READ_ONLY)))).hasMessageContaining("twice");
        assertThatThrownBy(() -> new OpsUsers(List.of(user("o\"lu", HASH, OpsRole.OPERATOR))))
                .hasMessageContaining("name");
    }
}
