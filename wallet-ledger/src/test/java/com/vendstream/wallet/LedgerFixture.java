package com.vendstream.wallet;

import com.vendstream.testkit.MongoFixture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/** The ledger wired by hand over an in-memory MongoDB wire store: 5 wrong PINs lock a wallet for 30 minutes. */
final class LedgerFixture implements AutoCloseable {

    final MongoFixture mongo = new MongoFixture("vendstream");
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final Clock clock = Clock.systemUTC();
    final WalletStore walletStore = new WalletStore(mongo.template);
    /** BCrypt cost 4: the slow hash's cost is not what these tests are about. */
    final Wallets wallets = new Wallets(walletStore, new BCryptPasswordEncoder(4), clock, 5, Duration.ofMinutes(30),
            meters);

    LedgerFixture() {
        walletStore.ensureIndexes();
    }

    @Override
    public void close() {
        mongo.close();
    }
}
