package com.vendstream.providers.dollr;

import com.vendstream.providers.Masking;
import com.vendstream.providers.mobilemoney.MobileMoneyCustomers;
import com.vendstream.providers.mobilemoney.MobileMoneyCustomers.AccountUse;
import com.vendstream.providers.mobilemoney.MobileMoneyCustomers.Customer;
import com.vendstream.providers.mobilemoney.MobileMoneyException;
import com.vendstream.providers.mobilemoney.MobileMoneyGateway;
import com.vendstream.providers.mobilemoney.Msisdn;
import com.vendstream.providers.dollr.MobileMoneyConnector.FeeBearer;
import com.vendstream.providers.dollr.MobileMoneyConnector.FeePreview;
import com.vendstream.providers.dollr.MobileMoneyConnector.FeeQuery;
import com.vendstream.providers.dollr.MobileMoneyConnector.InvoiceItem;
import com.vendstream.providers.dollr.MobileMoneyConnector.MmoInfo;
import com.vendstream.providers.dollr.MobileMoneyConnector.NewInvoice;
import com.vendstream.providers.dollr.MobileMoneyConnector.NewParty;
import com.vendstream.providers.dollr.MobileMoneyConnector.NewPaymentAccount;
import com.vendstream.providers.dollr.MobileMoneyConnector.NewPayoutSession;
import com.vendstream.providers.dollr.MobileMoneyConnector.OperationType;
import com.vendstream.providers.mobilemoney.PaymentOutcome;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MobileMoneyGateway} over Dollr's invoice-based collection and payouts: a collection is an invoice,
 * its item, publishing it, a checkout session, the payer's payment account and the execution; a payout is
 * the payee's payment account, a payout session and the execution. Every call to Dollr goes through the
 * session-level {@link MobileMoneyConnector} it is given (guarded by {@code guard.GuardedMobileMoney}).
 * The customer's party and account ids are kept in {@link MobileMoneyCustomers}. Only the execution calls
 * move money; every call before them only prepares. So a refused preparation is a FAILED payment
 * (nothing to follow up); a preparation or execution that did not reach Dollr for a passing reason
 * (no token for now, throttled, Dollr unreachable or failing) is NOT_SENT and may be tried again
 * with the same reference; anything that goes wrong once the execution left is PENDING and is
 * followed by our reference, never executed twice.
 */
public class DollrMobileMoney implements MobileMoneyGateway {

    private static final Logger log = LoggerFactory.getLogger(DollrMobileMoney.class);

    /** Dollr refuses any other currency; checking first avoids setting up a customer for nothing. */
    static final Set<String> CURRENCIES = Set.of("LRD", "USD", "RWF");
    // Parties and accounts are visible in the merchant's Dollr dashboard; the phone identifies the customer there.
    private static final String PARTY_NAME = "vendstream customer";
    private static final String ACCOUNT_NAME = "Mobile-money wallet";

    /**
     * Bound by the service from {@code vendstream.payments.dollr.*} (order-service: {@code fee-bearer},
     * {@code fee-preview}); this module has no configuration binding of its own.
     *
     * @param feeBearer PAYEE (the merchant bears Dollr's fees: the customer pays exactly the order
     *                  amount, so a payout of that amount pays back all of it) or PAYER (Dollr adds its
     *                  fees to what the customer pays); MERCHANT and CUSTOMER are read as PAYEE and PAYER
     * @param feePreview ask Dollr's fee prediction before each collection and log its figures
     */
    public record Settings(String feeBearer, boolean feePreview) {
        public Settings {
            String b = feeBearer == null ? "PAYEE" : feeBearer.trim().toUpperCase(Locale.ROOT);
            feeBearer = switch (b) {
                case "PAYEE", "MERCHANT" -> "PAYEE";
                case "PAYER", "CUSTOMER" -> "PAYER";
                default -> throw new IllegalArgumentException(
                        "vendstream.payments.dollr.fee-bearer must be PAYEE or PAYER (Dollr's fee_bearer)");
            };
        }

        public static Settings defaults() {
            return new Settings(null, false);
        }

        public FeeBearer bearer() {
            return FeeBearer.valueOf(feeBearer);
        }
    }

    private final MobileMoneyConnector connector;
    private final MobileMoneyCustomers customers;
    private final Settings settings;
    private final Clock clock;

    public DollrMobileMoney(MobileMoneyConnector connector, MobileMoneyCustomers customers, Settings settings,
                            Clock clock) {
        this.connector = connector;
        this.customers = customers;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public String provider() {
        return connector.id();
    }

    @Override
    public Result collect(String referenceId, String orderId, String payerPhone, long amountMinor, String currency,
                          String description) {
        String[] prepared;
        try {
            String phone = Msisdn.digits(payerPhone);
            requireCurrency(currency);
            prepared = withCustomer(phone, OperationType.COLLECTION, customer -> {
                long invoice = connector.createInvoice(new NewInvoice(customer.counterpartyId(), currency, orderId,
                        settings.bearer()));
                connector.addInvoiceItem(invoice, new InvoiceItem(description == null ? "Order " + orderId
                        : description, currency, 1, amountMinor));
                connector.publishInvoice(invoice);
                previewFees(orderId, customer, amountMinor, currency);
                String session = connector.createCheckoutSession(invoice);
                String account = account(customer, phone, AccountUse.COLLECTION);
                log.info("Dollr collection for order {} prepared: invoice {}, session {}", orderId, invoice, session);
                return new String[] {session, account};
            });
        } catch (RuntimeException e) {
            return notExecuted("collection", orderId, payerPhone, e);
        }
        String sessionId = prepared[0];
        String accountId = prepared[1];
        return execute("collection", orderId, payerPhone, sessionId,
                () -> connector.executeCollection(sessionId, accountId, currency, referenceId));
    }

    @Override
    public Result payout(String referenceId, String orderId, String payeePhone, long amountMinor, String currency) {
        String[] prepared;
        try {
            String phone = Msisdn.digits(payeePhone);
            requireCurrency(currency);
            prepared = withCustomer(phone, OperationType.PAYOUT, customer -> {
                String account = account(customer, phone, AccountUse.PAYOUT);
                String session = connector.createPayoutSession(new NewPayoutSession(account, amountMinor, currency));
                return new String[] {session, account};
            });
        } catch (RuntimeException e) {
            return notExecuted("payout", orderId, payeePhone, e);
        }
        String sessionId = prepared[0];
        String accountId = prepared[1];
        return execute("payout", orderId, payeePhone, sessionId,
                () -> connector.executePayout(sessionId, accountId, referenceId));
    }

    /**
     * Runs a payment's setup with the stored customer. If Dollr refuses the stored ids (the party or
     * its accounts are gone there), the customer is set up afresh once; nothing has been executed
     * yet, so trying again moves no money.
     */
    private String[] withCustomer(String phone, OperationType use,
                                  java.util.function.Function<Customer, String[]> setup) {
        boolean stored = customers.find(MobileMoneyCustomers.key(connector.id(), phone)).isPresent();
        Customer customer = customer(phone, use);
        try {
            return setup.apply(customer);
        } catch (MobileMoneyException e) {
            boolean refusedIds = e.kind() == MobileMoneyException.Kind.VALIDATION || e.kind() == MobileMoneyException.Kind.NOT_FOUND;
            if (!stored || !refusedIds) {
                throw e;
            }
            log.warn("Dollr refused the stored ids of customer {} ({}); setting the customer up again",
                    Masking.account(phone), e.kind());
            customers.forget(customer.key(), customer.partyId());
            return setup.apply(customer(phone, use));
        }
    }

    private static void requireCurrency(String currency) {
        if (currency == null || !CURRENCIES.contains(currency)) {
            throw new UnsupportedCurrency(currency);
        }
    }

    /** The stored customer, or a new party and counterparty stored unless another order stored one first. */
    private Customer customer(String phone, OperationType use) {
        String key = MobileMoneyCustomers.key(connector.id(), phone);
        Optional<Customer> stored = customers.find(key);
        if (stored.isPresent()) {
            return stored.get();
        }
        // Before creating anything: an unsupported number must not leave a party behind.
        MmoInfo mmo = connector.detectMmo(phone, use);
        if (mmo.paymentMethod() == null) {
            throw new MobileMoneyException(MobileMoneyException.Kind.VALIDATION, 200, "no mobile-money operator for this number");
        }
        long party = connector.createParty(new NewParty(PARTY_NAME, phone, null, mmo.countryCode()));
        long counterparty = connector.createCounterparty(party);
        Customer mine = new Customer(key, party, counterparty, mmo.paymentMethod(),
                mmo.gatewayProvider() == null ? mmo.paymentMethod() : mmo.gatewayProvider(), mmo.countryCode(), null, null);
        Customer kept = customers.insertIfAbsent(mine, clock.instant());
        if (kept.partyId() != party) {
            log.info("Dollr party {} for customer {} left unused: a concurrent order set the customer up first",
                    party, Masking.account(phone));
        } else {
            log.info("Dollr party {} set up for customer {} ({})", party, Masking.account(phone), mmo.paymentMethod());
        }
        return kept;
    }

    private String account(Customer customer, String phone, AccountUse use) {
        String cached = customer.account(use);
        if (cached != null) {
            return cached;
        }
        String created = connector.createPaymentAccount(
                use == AccountUse.COLLECTION ? OperationType.COLLECTION : OperationType.PAYOUT,
                new NewPaymentAccount(ACCOUNT_NAME, customer.gatewayProvider(), customer.method(), customer.partyId(),
                        customer.countryCode(), phone));
        return customers.accountIfAbsent(customer.key(), use, created);
    }

    private void previewFees(String orderId, Customer customer, long amountMinor, String currency) {
        if (!settings.feePreview()) {
            return;
        }
        try {
            FeePreview p = connector.previewFees(new FeeQuery(amountMinor, currency, currency, customer.method(),
                    OperationType.COLLECTION, customer.gatewayProvider(), settings.bearer()));
            log.info("Dollr fee preview for order {}: amount {} fee {} payer pays {} {} (minor units, fee bearer {})",
                    orderId, amountMinor, p.feeMinor(), p.payerAmountMinor(), p.payerCurrency(), settings.feeBearer());
        } catch (MobileMoneyException e) {
            // The preview only informs; the invoice decides what the customer is charged.
            log.info("Dollr fee preview for order {} unavailable: {} (HTTP {})", orderId, e.kind(), e.httpStatus());
        }
    }

    private Result execute(String kind, String orderId, String phone, String sessionId,
                           Supplier<PaymentOutcome> execution) {
        PaymentOutcome outcome;
        try {
            outcome = execution.get();
        } catch (RuntimeException e) {
            // The request may have reached Dollr: only a status query by our reference can tell.
            log.warn("Dollr {} for order {} ended without an answer: {}", kind, orderId, e.getClass().getSimpleName());
            return new Result(Status.PENDING, sessionId, null, "no answer: " + e.getClass().getSimpleName(), null);
        }
        Status status = switch (outcome.status()) {
            case COMPLETED -> Status.COMPLETED;
            case FAILED -> Status.FAILED;
            case PENDING -> Status.PENDING;
            case NOT_SENT -> Status.NOT_SENT;
        };
        // Every status: a FAILED's gateway_message or wallet_message is the operator's text and often quotes
        // the customer's number; it becomes the rejection merchants see.
        String message = scrub(outcome.gatewayMessage() != null ? outcome.gatewayMessage() : outcome.providerStatus(),
                phone);
        if (status == Status.NOT_SENT) {
            log.warn("Dollr {} for order {} not sent ({}); it will be tried again", kind, orderId,
                    outcome.providerStatus());
            message = "not sent: " + message;
        }
        return new Result(status, sessionId, outcome.providerTransactionId(), message, outcome.feeMinor(),
                outcome.retryAfter());
    }

    /**
     * A setup that did not reach the execution. Refusals (bad phone or currency, credentials refused,
     * a 403/404/422) are FAILED; a passing trouble (no token for now, throttled, Dollr unreachable or
     * failing, or our own store not answering) is NOT_SENT: nothing moved, and the payment waits.
     */
    private Result notExecuted(String kind, String orderId, String phone, RuntimeException e) {
        String reason;
        boolean passes;
        Duration retryAfter = Duration.ZERO;
        if (e instanceof UnsupportedCurrency) {
            reason = e.getMessage();
            passes = false;
        } else if (e instanceof MobileMoneyException d) {
            passes = d.passes();
            retryAfter = d.retryAfter();
            reason = (passes ? "Dollr was unavailable during the " + kind + " setup"
                    : "Dollr refused the " + kind + " setup") + " (" + d.kind() + "): " + scrub(d.getMessage(), phone);
        } else if (e instanceof IllegalArgumentException) {
            reason = "the customer's phone is not an E.164 mobile-money number";
            passes = false;
        } else {
            reason = kind + " setup failed: " + e.getClass().getSimpleName();
            passes = true;
        }
        log.warn("Dollr {} for order {} not executed{}: {}", kind, orderId, passes ? " (will be tried again)" : "",
                reason);
        return passes ? Result.notSent("not executed: " + reason, retryAfter)
                : new Result(Status.FAILED, null, null, "not executed: " + reason, null);
    }

    /**
     * Dollr's texts (error details, gateway and wallet messages) may carry the request path or the
     * operator's words, and with them the customer's number: it and every long number are masked.
     */
    private static String scrub(String text, String phone) {
        return Masking.providerText(text, phone);
    }

    private static final class UnsupportedCurrency extends RuntimeException {
        UnsupportedCurrency(String currency) {
            super("Dollr does not take " + currency + " (only " + String.join(", ", CURRENCIES.stream().sorted().toList())
                    + ")");
        }
    }
}
