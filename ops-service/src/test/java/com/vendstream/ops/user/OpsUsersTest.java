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

    /** The README's environment variable names bind (relaxed binding drops the dash of password-hash). */
    @Test
    void usersBindFromEnvironmentVariables() {
        var environment = new org.springframework.core.env.StandardEnvironment();
        // Named as the real one: Spring maps VENDSTREAM_OPS_... names only for the system environment's source.
        environment.getPropertySources().replace("systemEnvironment",
                new org.springframework.core.env.SystemEnvironmentPropertySource("systemEnvironment", java.util.Map.of("VENDSTREAM_OPS_USERS_0_USERNAME", "amaka",
                        "VENDSTREAM_OPS_USERS_0_PASSWORDHASH", HASH,
                        "VENDSTREAM_OPS_USERS_0_ROLES", "OPERATOR,FINANCE")));
        OpsUsersProperties bound = org.springframework.boot.context.properties.bind.Binder.get(environment)
                .bind("vendstream.ops", OpsUsersProperties.class).get();
        OpsUsers users = new OpsUsers(bound.users());
        assertThat(users.verify("amaka", "s3cret-enough")).map(OpsUser::roles)
                .contains(Set.of(OpsRole.OPERATOR, OpsRole.FINANCE));
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

    /** status-poller takes "olu" and "Olu" for one operator: two such users could approve each other's proposals. */
    @Test
    void refusesTwoUsersWhoseNamesDifferOnlyInCase() {
        assertThatThrownBy(() -> new OpsUsers(List.of(user("olu", HASH, OpsRole.OPERATOR),
                user("Olu", HASH, OpsRole.OPERATOR)))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Olu").hasMessageContaining("ignoring case");
        assertThat(new OpsUsers(List.of(user("olu", HASH, OpsRole.OPERATOR), user("olu2", HASH, OpsRole.OPERATOR)))
                .all()).hasSize(2);
    }
}
