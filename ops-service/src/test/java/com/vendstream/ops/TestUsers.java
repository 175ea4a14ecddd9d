package com.vendstream.ops;

import com.vendstream.ops.user.OpsUsers;
import org.springframework.test.context.DynamicPropertyRegistry;

/** Back-office users of a test, all with one password, as a deployment configures them. */
final class TestUsers {

    private TestUsers() {
    }

    /** For a test's {@code @DynamicPropertySource}: each user as {@code {username, role}}. */
    static void configure(DynamicPropertyRegistry props, String password, String[]... users) {
        String hash = OpsUsers.hash(password);
        for (int i = 0; i < users.length; i++) {
            int n = i;
            props.add("vendstream.ops.users[" + n + "].username", () -> users[n][0]);
            props.add("vendstream.ops.users[" + n + "].password-hash", () -> hash);
            props.add("vendstream.ops.users[" + n + "].roles", () -> users[n][1]);
        }
    }
}
