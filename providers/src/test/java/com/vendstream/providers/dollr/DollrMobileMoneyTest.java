package com.vendstream.providers.dollr;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.providers.mobilemoney.MobileMoneyCustomers;
import com.vendstream.providers.mobilemoney.MobileMoneyGateway;
import com.vendstream.sandbox.ProviderSandboxApplication;
import com.vendstream.sandbox.core.CallRecord;
import com.vendstream.sandbox.core.Transactions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Dollr's invoice flow behind the neutral gateway, against the sandbox's Dollr over real HTTP, with its
 * customers kept in memory. The flow inside an order (MongoDB-kept customers, retries, refunds) is tested
 * in order-service's MobileMoneySandboxTest.
 */
class DollrMobileMoneyTest {

    /** A sandbox wallet whose collections complete at once (providers/PAY4POWER_DOLLR.md). */
    static final String COMPLETES = "231770000007";

    static ConfigurableApplicationContext sandbox;
    static DollrConnector dollr;
    static CallRecord record;
    static Transactions books;

    @BeforeAll
    static void start() {
        sandbox = ProviderSandboxApplication.start(0, Map.of("vendstream.sandbox.latency.default", "5ms"));
        String root = "http://localhost:" + sandbox.getEnvironment().getProperty("local.server.port");
        dollr = new DollrConnector(new DollrProperties(root + "/dollr/v1", "dollr-sandbox-client", "dollr-sandbox-secret",
                Duration.ofSeconds(2), Duration.ofSeconds(5), null, null,
                new DollrProperties.PayoutPasscode("231880000100", null, "246810", "vendstream-test", "linux",
                        "vendstream", "127.0.0.1")));
        record = sandbox.getBean(CallRecord.class);
        books = sandbox.getBean(Transactions.class);
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    private final InMemoryCustomers customers = new InMemoryCustomers();
    private final DollrMobileMoney gateway = new DollrMobileMoney(dollr, customers, DollrMobileMoney.Settings.defaults(),
            Clock.systemUTC());

    @BeforeEach
    void freshCallRecord() {
        record.reset();
    }

    @Test
    void anInvalidPhoneOrACurrencyDollrDoesNotTakeFailsBeforeAnyCall() {
        MobileMoneyGateway.Result badPhone = gateway.collect(reference(), "o1", "12-ab", 10_000, "LRD",
                "AIRTIME LONESTAR");
        MobileMoneyGateway.Result naira = gateway.collect(reference(), "o2", COMPLETES, 10_000, "NGN", "AIRTIME MTN");
        MobileMoneyGateway.Result nairaPayout = gateway.payout(reference(), "o3", COMPLETES, 10_000, "NGN");

        assertThat(List.of(badPhone, naira, nairaPayout)).extracting(MobileMoneyGateway.Result::status)
                .containsOnly(MobileMoneyGateway.Status.FAILED);
        assertThat(badPhone.message()).contains("not executed", "E.164");
        assertThat(naira.message()).contains("not executed", "NGN");
        assertThat(record.calls("dollr", null, null)).isEmpty();
        assertThat(customers.stored).isEmpty();
    }

    @Test
    void theFeeBearerAndTheFeePreviewAreSettings() {
        DollrMobileMoney customerPays = new DollrMobileMoney(dollr, customers,
                new DollrMobileMoney.Settings("PAYER", true), Clock.systemUTC());
        String reference = reference();

        MobileMoneyGateway.Result result = customerPays.collect(reference, "o1", COMPLETES, 10_000, "LRD",
                "AIRTIME LONESTAR");

        assertThat(result.status()).isEqualTo(MobileMoneyGateway.Status.COMPLETED);
        assertThat(result.sessionId()).isNotBlank();
        assertThat(result.feeMinor()).isEqualTo(100);
        assertThat(books.find("dollr", reference).amountMinor()).isEqualTo(10_100);
        assertThat(record.calls("dollr", "predict-fees", null)).hasSize(1);
        assertThat(customers.stored.get(MobileMoneyCustomers.key("dollr", COMPLETES)).collectionAccountId())
                .isEqualTo(String.valueOf(books.find("dollr", reference).details().get("account_id")));
    }

    private static String reference() {
        return UUID.randomUUID().toString();
    }

    /** The customer port kept in a map, first writer winning as in order-service's store. */
    static final class InMemoryCustomers implements MobileMoneyCustomers {
        final Map<String, Customer> stored = new ConcurrentHashMap<>();

        @Override
        public Optional<Customer> find(String key) {
            return Optional.ofNullable(stored.get(key));
        }

        @Override
        public Customer insertIfAbsent(Customer customer, Instant now) {
            Customer before = stored.putIfAbsent(customer.key(), customer);
            return before == null ? customer : before;
        }

        @Override
        public String accountIfAbsent(String key, AccountUse use, String accountId) {
            return stored.computeIfPresent(key, (k, c) -> c.account(use) != null ? c : use == AccountUse.COLLECTION
                    ? new Customer(k, c.partyId(), c.counterpartyId(), c.method(), c.gatewayProvider(), c.countryCode(),
                            accountId, c.payoutAccountId())
                    : new Customer(k, c.partyId(), c.counterpartyId(), c.method(), c.gatewayProvider(), c.countryCode(),
                            c.collectionAccountId(), accountId)).account(use);
        }

        @Override
        public void forget(String key, long partyId) {
            stored.computeIfPresent(key, (k, c) -> c.partyId() == partyId ? null : c);
        }
    }
}
