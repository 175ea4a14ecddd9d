package com.vendstream.ops;

import com.vendstream.kit.outbox.OutboxTrigger;
import com.vendstream.ops.audit.AuditStore;
import com.vendstream.ops.audit.AuditTrail;
import com.vendstream.ops.login.LockoutPolicy;
import com.vendstream.ops.login.LoginGuardStore;
import com.vendstream.ops.login.Logins;
import com.vendstream.ops.login.PasswordChecks;
import com.vendstream.ops.user.OpsUsers;
import com.vendstream.ops.user.OpsUsersProperties;
import java.time.Clock;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

@Configuration
@EnableConfigurationProperties(OpsUsersProperties.class)
class OpsConfiguration {

    private static final Logger log = LoggerFactory.getLogger(OpsConfiguration.class);
    /** The guard key's least length: an HMAC key shorter than this is guessable offline. */
    static final int MIN_GUARD_KEY = 32;

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    OpsUsers opsUsers(OpsUsersProperties properties) {
        return new OpsUsers(properties.users());
    }

    @Bean
    LockoutPolicy lockoutPolicy(@Value("${vendstream.ops.lockout.max-failures:5}") int maxFailures,
                                @Value("${vendstream.ops.lockout.window:PT15M}") Duration window,
                                @Value("${vendstream.ops.lockout.duration:PT15M}") Duration duration) {
        return new LockoutPolicy(maxFailures, window, duration);
    }

    /**
     * Guards are stored under an HMAC of the typed name with this key (vendstream.ops.login.guard-key, from the
     * deployment's secret). Without one the service does not start: a random key per start would forget every
     * lockout at each restart and keep instances from sharing them, so it is only taken when asked for
     * (vendstream.ops.login.ephemeral-guard-key=true: the local stack).
     */
    @Bean
    LoginGuardStore loginGuardStore(ReactiveMongoTemplate mongo,
                                    @Value("${vendstream.ops.login.guard-key:}") String guardKey,
                                    @Value("${vendstream.ops.login.ephemeral-guard-key:false}") boolean ephemeral) {
        return new LoginGuardStore(mongo, guardKey(guardKey, ephemeral));
    }

    static byte[] guardKey(String guardKey, boolean ephemeral) {
        byte[] key;
        if (guardKey == null || guardKey.isBlank()) {
            if (!ephemeral) {
                throw new IllegalStateException("vendstream.ops.login.guard-key is not set: set it (32+ characters)"
                        + " from the deployment's secret, so lockouts survive restarts and are shared by instances;"
                        + " only a local run may set vendstream.ops.login.ephemeral-guard-key=true instead");
            }
            key = new byte[MIN_GUARD_KEY];
            new SecureRandom().nextBytes(key);
            log.warn("vendstream.ops.login.guard-key is not set: login guards use a random key until this service "
                    + "stops (lockouts do not survive a restart nor reach other instances); acceptable for the "
                    + "local stack only");
        } else if (guardKey.length() < MIN_GUARD_KEY) {
            throw new IllegalArgumentException("vendstream.ops.login.guard-key needs at least " + MIN_GUARD_KEY
                    + " characters");
        } else {
            key = guardKey.getBytes(StandardCharsets.UTF_8);
        }
        return key;
    }

    @Bean(destroyMethod = "close")
    PasswordChecks passwordChecks(@Value("${vendstream.ops.login.max-concurrent:3}") int maxConcurrent) {
        return new PasswordChecks(maxConcurrent);
    }

    @Bean
    AuditStore auditStore(ReactiveMongoTemplate mongo) {
        AuditStore store = new AuditStore(mongo);
        store.ensureIndexes();
        return store;
    }

    @Bean
    AuditTrail auditTrail(AuditStore store, OutboxTrigger relay, Clock clock) {
        return new AuditTrail(store, relay, clock);
    }

    @Bean
    Logins logins(OpsUsers users, LoginGuardStore guards, AuditTrail audit, LockoutPolicy policy,
                  PasswordChecks checks, Clock clock) {
        return new Logins(users, guards, audit, policy, checks, clock);
    }
}
