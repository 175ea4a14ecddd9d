package com.vendstream.ops.login;

import com.vendstream.ops.user.OpsUser;
import java.time.Instant;

/** What a login attempt came to. */
public sealed interface LoginOutcome {

    record Succeeded(OpsUser user) implements LoginOutcome {
    }

    /** Wrong name or password; which of the two is never said. */
    record Failed() implements LoginOutcome {
    }

    /** The name is locked until {@code until}; the password was not checked (or not honoured). */
    record Locked(Instant until) implements LoginOutcome {
    }

    /** Too many logins are being checked right now; nothing was checked or counted. */
    record Busy() implements LoginOutcome {
    }
}
