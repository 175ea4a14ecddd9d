package com.vendstream.ops.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.ops.deadletter.PersonalDataMask.Kind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The masking rules by field name, and a whole event's tree masked. */
class PersonalDataMaskTest {

    @Test
    void customersNumbersShowTheirLastFourCharactersOnly() {
        for (String field : List.of("msisdn", "payerPhone", "customerPhone", "phone_number", "account",
                "accountNumber", "meterNumber", "meter_no", "smartcard", "smartCardNumber", "iuc", "customerNumber",
                "customerId", "email", "emailAddress", "Meter Number")) {
            assertThat(PersonalDataMask.kindOf(field)).as(field).contains(Kind.NUMBER);
        }
        assertThat(PersonalDataMask.maskValue("2348031234567", Kind.NUMBER)).isEqualTo("****4567");
        // Short values would be given away by their last four: nothing shown.
        assertThat(PersonalDataMask.maskValue("1234567", Kind.NUMBER)).isEqualTo("****");
    }

    @Test
    void tokensAndPinsShowNothingAndNamesOnlyTheirInitials() {
        for (String field : List.of("token", "pins", "walletPinHash", "password", "otp", "Token")) {
            assertThat(PersonalDataMask.kindOf(field)).as(field).contains(Kind.SECRET);
        }
        for (String field : List.of("name", "customerName", "accountName", "first_name", "surname", "Customer Name")) {
            assertThat(PersonalDataMask.kindOf(field)).as(field).contains(Kind.NAME);
        }
        assertThat(PersonalDataMask.maskValue("1234-5678-9012-3456-7890", Kind.SECRET)).isEqualTo("****");
        assertThat(PersonalDataMask.maskValue("Amaka  Obi", Kind.NAME)).isEqualTo("A*** O***");
    }

    @Test
    void whatIsNoCustomersDataIsShownAsItIs() {
        for (String field : List.of("orderId", "merchantId", "eventType", "amount", "provider", "providerReference",
                "billerId", "walletId", "units", "currency", "sessionId", "pinnacle", "spinning", "billerName")) {
            assertThat(PersonalDataMask.kindOf(field)).as(field).isEmpty();
        }
    }

    /**
     * The keys the providers' transformers put in a vend's receipt (Pay4Power, VTpass, Pagamio, Pawacard: their
     * RECEIPT_FIELDS), each masked as the customer's data it carries, or shown when it is the provider's.
     */
    @Test
    void theProvidersReceiptKeysThatCarryACustomersDataAreMasked() {
        Map<String, Kind> customers = new LinkedHashMap<>();
        for (String number : List.of("receiver", "address", "meterNumber", "customerAddress", "accountNumber",
                "accountNo", "recipient", "beneficiary", "receiverPhone", "beneficiaryAccount")) {
            customers.put(number, Kind.NUMBER);
        }
        for (String name : List.of("customerName", "CustomerName", "name")) {
            customers.put(name, Kind.NAME);
        }
        for (String secret : List.of("resetToken", "configureToken", "bonusToken")) {
            customers.put(secret, Kind.SECRET);
        }
        customers.forEach((key, kind) -> assertThat(PersonalDataMask.kindOf(key)).as(key).contains(kind));
        for (String providers : List.of("provider", "receiptNumber", "tariff", "package", "amount", "correlationId",
                "message", "exchangeReference", "taxAmount", "debtAmount", "utilityName", "utility", "aggregator",
                "unitType", "rctNum", "totalAmount", "ref", "date", "serials", "product", "quantity")) {
            assertThat(PersonalDataMask.kindOf(providers)).as(providers).isEmpty();
        }
        Map<String, Object> receipt = new LinkedHashMap<>();
        receipt.put("receiver", "2348031234567");
        receipt.put("receiptNumber", "R-889");
        @SuppressWarnings("unchecked")
        Map<String, Object> masked = (Map<String, Object>) PersonalDataMask.mask(Map.of("receipt", receipt));
        assertThat((Map<String, Object>) masked.get("receipt")).containsEntry("receiver", "****4567")
                .containsEntry("receiptNumber", "R-889");
    }

    @Test
    void anEventIsMaskedAtEveryDepthAndWholeUnderAMaskedField() {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("billerId", "IKEDC");
        line.put("account", "45061234567");
        line.put("amount", Map.of("minor", 500_000L, "currency", "NGN"));
        Map<String, Object> receipt = new LinkedHashMap<>();
        receipt.put("Customer Name", "Amaka Obi");
        receipt.put("receiptNumber", "R-889");
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("envelope", Map.of("orderId", "order-1", "merchantId", "m-1"));
        event.put("line", line);
        event.put("pins", List.of("111122223333", "444455556666"));
        event.put("token", null);
        event.put("meter", 45061234567L);
        event.put("receipt", receipt);

        @SuppressWarnings("unchecked")
        Map<String, Object> masked = (Map<String, Object>) PersonalDataMask.mask(event);

        assertThat(masked.get("envelope")).isEqualTo(Map.of("orderId", "order-1", "merchantId", "m-1"));
        assertThat((Map<String, Object>) masked.get("line")).containsEntry("account", "****4567")
                .containsEntry("billerId", "IKEDC").containsEntry("amount", Map.of("minor", 500_000L, "currency", "NGN"));
        assertThat(masked.get("pins")).isEqualTo(List.of("****", "****"));
        assertThat(masked).containsEntry("token", null).containsEntry("meter", "****4567");
        assertThat((Map<String, Object>) masked.get("receipt")).containsEntry("Customer Name", "A*** O***")
                .containsEntry("receiptNumber", "R-889");
        // The given tree is left as it was.
        assertThat(line).containsEntry("account", "45061234567");
        assertThat(masked.toString()).doesNotContain("45061234567", "111122223333", "Amaka");
    }
}
