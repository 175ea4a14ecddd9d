package com.vendstream.order.order;

import com.vendstream.providers.Masking;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The one rule for every copy of a customer's account (meter, phone, smartcard, account number) that
 * a merchant is shown, in API responses and in the order events on the orders topic, and that a log
 * prints: {@link Masking#account} (all but the last four characters starred). Providers repeat the
 * account in their receipts and lookups under names of their own, so a field is masked when its name
 * is one of those ({@link #ACCOUNT_KEYS}, compared without case or punctuation: {@code meterNumber},
 * {@code Meter_Number}, {@code accountNo}, {@code billersCode}, {@code customerPhone}, ...) or when its
 * value is, or contains, the order's account or phone. Internal events to vend-service keep the number:
 * the provider must be sent it. Not an account here: a Smile {@code AccountId} that verifying an email
 * returns, which is what the merchant then orders with.
 */
public final class AccountMasking {

    /** Field names (lower case, letters and digits only) that hold a customer's account or phone. */
    static final Set<String> ACCOUNT_KEYS = Set.of("account", "accountno", "accountnumber", "customeraccount", "customeraccountnumber", "customernumber", "meter", "meterno", "meternumber", "meterid",
            "smartcard", "smartcardno", "smartcardnumber", "iuc", "iucnumber", "decoder", "decodernumber",
            "billerscode", "billercode", "phone", "phoneno", "phonenumber", "customerphone", "msisdn", "mobile",
            "mobileno", "mobilenumber", "receiver", "recipient", "beneficiary", "email", "customeremail", "profileid");

    private AccountMasking() {
    }

    public static String account(String account) {
        return Masking.account(account);
    }

    /**
     * A copy of {@code fields} (a receipt, a lookup's details) fit to show a merchant: account-like fields
     * masked, and each of {@code accounts} (the order's account, its customer's phone) masked wherever it
     * appears in a value. Order kept; null accounts ignored.
     */
    public static Map<String, String> fields(Map<String, String> fields, String... accounts) {
        Map<String, String> masked = new LinkedHashMap<>();
        if (fields == null) {
            return masked;
        }
        fields.forEach((key, value) -> masked.put(key, value(key, value, accounts)));
        return masked;
    }

    private static String value(String key, String value, String... accounts) {
        if (value != null && key != null
                && ACCOUNT_KEYS.contains(key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", ""))) {
            return Masking.account(value);
        }
        return text(value, accounts);
    }

    /** A payment provider's free text fit to show a merchant ({@link Masking#providerText}). */
    public static String providerText(String value, String... accounts) {
        return Masking.providerText(value, accounts);
    }

    /**
     * A rejection's message as a merchant sees it: each of {@code accounts} masked; a payment failure's
     * (PAYMENT_FAILED), whose text comes from the payment provider, also with every long number masked.
     * Other rejections keep their numbers: ours quote amount limits, never a customer's number.
     */
    public static String rejectionMessage(String reasonCode, String message, String... accounts) {
        return "PAYMENT_FAILED".equals(reasonCode) ? providerText(message, accounts) : text(message, accounts);
    }

    /** Free text fit to show a merchant: each of {@code accounts} masked where it appears ({@link Masking#text}). */
    public static String text(String value, String... accounts) {
        return Masking.text(value, accounts);
    }
}
