package com.vendstream.ops;

import com.vendstream.kit.outbox.OutboxTrigger;
import com.vendstream.ops.audit.AuditStore;
import com.vendstream.ops.audit.AuditTrail;
import com.vendstream.ops.login.LockoutPolicy;
import com.vendstream.ops.login.LoginGuardStore;
import com.vendstream.ops.login.Logins;
import com.vendstream.ops.user.OpsUsers;
import com.vendstream.ops.user.OpsUsersProperties;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

@Configuration
@EnableConfigurationProperties(OpsUsersProperties.class)
class OpsConfiguration {

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

    @Bean
    LoginGuardStore loginGuardStore(ReactiveMongoTemplate mongo) {
        return new LoginGuardStore(mongo);
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
    Logins logins(OpsUsers users, LoginGuardStore guards, AuditTrail audit, LockoutPolicy policy, Clock clock) {
        return new Logins(users, guards, audit, policy, clock);
    }
}
