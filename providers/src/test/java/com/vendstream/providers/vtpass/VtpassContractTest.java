package com.vendstream.providers.vtpass;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.providers.AccountVerification;
import com.vendstream.providers.CatalogOffer;
import com.vendstream.providers.CodeRule;
import com.vendstream.providers.FailureClass;
import com.vendstream.providers.PendingCause;
import com.vendstream.providers.RequeryCommand;
import com.vendstream.providers.ServiceType;
import com.vendstream.providers.VendCommand;
import com.vendstream.providers.VendOutcome;
import com.vendstream.providers.VerifyCommand;
import com.vendstream.sandbox.ProviderSandboxApplication;
import com.vendstream.sandbox.core.CallRecord;
import com.vendstream.sandbox.core.Transactions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** The VTpass connector against the sandbox's VTpass, over real HTTP. */
class VtpassContractTest {

    static ConfigurableApplicationContext sandbox;
    static VtpassConnector vtpass;
    static CallRecord record;
    static String baseUrl;

    @BeforeAll
    static void start() {
        sandbox = ProviderSandboxApplication.start(0, Map.of("vendstream.sandbox.vtpass.timeout-delay", "5s",
                "vendstream.sandbox.vtpass.pending-requeries", "1", "vendstream.sandbox.vtpass.duplicate-window", "0s"));
        baseUrl = "http://localhost:" + sandbox.getEnvironment().getProperty("local.server.port") + "/vtpass/api";
        vtpass = new VtpassConnector(new VtpassProperties(baseUrl, "sandbox-api-key", "PK_sandbox", "SK_sandbox",
                Duration.ofSeconds(2), Duration.ofSeconds(3)));
        record = sandbox.getBean(CallRecord.class);
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    private static VendCommand command(String reference, ServiceType service, String biller, String item, String account,
                                       long minor) {
        return new VendCommand(reference, service, biller, item, account, "08011111111", minor, "NGN", 1, null, null);
    }

    @Test
    void aReferenceFollowsVtpassRequestIdRules() {
        String ref = vtpass.newReference();
        assertThat(ref).hasSize(24).matches("\\d{12}[a-z0-9]{12}");
    }

    @Test
    void prepaidElectricitySucceedsWithACleanToken() {
        String ref = vtpass.newReference();
        VendOutcome outcome = vtpass.vend(command(ref, ServiceType.ELECTRICITY, "IKEDC", "prepaid", "1111111111111", 100_000));
        assertThat(outcome).isInstanceOfSatisfying(VendOutcome.Succeeded.class, s -> {
            assertThat(s.token()).matches("\\d{4} \\d{4} \\d{4} \\d{4} \\d{4}");
            assertThat(s.units()).isEqualTo("79.9 kWh");
            assertThat(s.providerCostMinor()).isEqualTo(98_000L);
        });
        assertThat(record.vendCount("vtpass", ref)).isEqualTo(1);
    }

    @Test
    void anExamPinIsReturnedAsAPin() {
        VendOutcome outcome = vtpass.vend(command(vtpass.newReference(), ServiceType.EDUCATION, "WAEC", "waecdirect",
                "08011111111", 90_000));
        assertThat(outcome).isInstanceOfSatisfying(VendOutcome.Succeeded.class, s -> {
            assertThat(s.pins()).singleElement().asString().matches("\\d{12}");
            assertThat(s.token()).isNull();
            assertThat(s.receipt()).containsKey("serials");
        });
    }

    @Test
    void waecQuantityTwoChargesTwiceAndReturnsTwoDistinctPins() {
        String ref = vtpass.newReference();
        VendCommand two = new VendCommand(ref, ServiceType.EDUCATION, "WAEC", "waecdirect", "08011111111",
                "08011111111", 180_000, "NGN", 2, null, null);
        VendOutcome outcome = vtpass.vend(two);
        assertThat(outcome).isInstanceOfSatisfying(VendOutcome.Succeeded.class, s -> {
            assertThat(s.pins()).hasSize(2).doesNotHaveDuplicates().allMatch(p -> p.matches("\\d{12}"));
            assertThat(s.token()).isNull();
            assertThat(s.receipt().get("serials").split(", ")).hasSize(2).doesNotHaveDuplicates();
            assertThat(s.receipt()).containsEntry("quantity", "2");
            // 2 x 900 less VTpass's 2 % commission on the whole.
            assertThat(s.providerCostMinor()).isEqualTo(176_400L);
        });
        // What the sandbox booked (and reconciliation reads) is both PINs' price.
        assertThat(sandbox.getBean(Transactions.class).find("vtpass", ref).amountMinor()).isEqualTo(180_000L);
        // A requery shows the same two PINs.
        VendOutcome again = vtpass.requery(new RequeryCommand(ref, ServiceType.EDUCATION, "WAEC", "waecdirect", null));
        assertThat(again).isInstanceOfSatisfying(VendOutcome.Succeeded.class,
                s -> assertThat(s.pins()).isEqualTo(((VendOutcome.Succeeded) outcome).pins()));
    }

    @Test
    void aJambPinIsAPinNotAToken() {
        VendOutcome outcome = vtpass.vend(command(vtpass.newReference(), ServiceType.EDUCATION, "JAMB", "utme-mock",
                "0801234567890", 770_000));
        assertThat(outcome).isInstanceOfSatisfying(VendOutcome.Succeeded.class, s -> {
            assertThat(s.pins()).singleElement().asString().matches("\\d{12}");
            assertThat(s.token()).isNull();
        });
    }

    @Test
    void aSmileEmailIsLookedUpOnItsOwnEndpointWithItsAccounts() {
        AccountVerification v = vtpass.verify(new VerifyCommand(ServiceType.DATA, "SMILE", null, "tester@sandbox.com"));
        assertThat(v.status()).isEqualTo(AccountVerification.Status.VALID);
        assertThat(v.customerName()).isEqualTo("SMILE TESTER");
        assertThat(v.details()).containsEntry("Number_Of_Accounts", "1").containsEntry("FriendlyName", "TESTER");
        assertThat(v.details().get("AccountId")).matches("0801\\d{7}");
        // A Smile phone number still goes to merchant-verify (no account list there).
        AccountVerification phone = vtpass.verify(new VerifyCommand(ServiceType.DATA, "SMILE", null, "08011111111"));
        assertThat(phone.status()).isEqualTo(AccountVerification.Status.VALID);
        assertThat(phone.details()).doesNotContainKey("AccountId");
    }

    @Test
    void anUnknownOrMalformedSmileEmailIsInvalid() {
        AccountVerification unknown = vtpass.verify(new VerifyCommand(ServiceType.DATA, "SMILE", null, "unknown@sandbox.com"));
        assertThat(unknown.status()).isEqualTo(AccountVerification.Status.INVALID);
        assertThat(unknown.message()).contains("not a valid Smile customer email");
        assertThat(vtpass.verify(new VerifyCommand(ServiceType.DATA, "SMILE", null, "tester@nodot")).status())
                .isEqualTo(AccountVerification.Status.INVALID);
    }

    @Test
    void anExplicitFailureFails() {
        VendOutcome outcome = vtpass.vend(command(vtpass.newReference(), ServiceType.AIRTIME, "GLO", null, "08022222222", 20_000));
        assertThat(outcome).isInstanceOfSatisfying(VendOutcome.Failed.class, f -> {
            assertThat(f.providerCode()).isEqualTo("016");
            assertThat(f.failureClass()).isEqualTo(FailureClass.DECLINED_BY_PROVIDER);
            assertThat(f.beforeProcessing()).isFalse();
        });
    }

    @Test
    void pendingIsResolvedByRequeryWithTheSameReference() {
        String ref = vtpass.newReference();
        assertThat(vtpass.vend(command(ref, ServiceType.AIRTIME, "MTN", null, "201000000000", 10_000)))
                .isInstanceOf(VendOutcome.Pending.class);
        RequeryCommand requery = new RequeryCommand(ref, ServiceType.AIRTIME, "MTN", null, null);
        assertThat(vtpass.requery(requery)).isInstanceOf(VendOutcome.Pending.class);
        assertThat(vtpass.requery(requery)).isInstanceOf(VendOutcome.Succeeded.class);
        assertThat(record.vendCount("vtpass", ref)).isEqualTo(1);
    }

    @Test
    void pendingThenFailure() {
        String ref = vtpass.newReference();
        vtpass.vend(command(ref, ServiceType.AIRTIME, "MTN", null, "202000000000", 10_000));
        RequeryCommand requery = new RequeryCommand(ref, ServiceType.AIRTIME, "MTN", null, null);
        vtpass.requery(requery);
        assertThat(vtpass.requery(requery)).isInstanceOf(VendOutcome.Failed.class);
    }

    @Test
    void aTimeoutAfterProcessingIsPendingAndRequeryFindsTheOneVend() {
        String ref = vtpass.newReference();
        VendOutcome outcome = vtpass.vend(command(ref, ServiceType.ELECTRICITY, "EKEDC", "prepaid", "3000000000000", 100_000));
        assertThat(outcome).isInstanceOfSatisfying(VendOutcome.Pending.class,
                p -> assertThat(p.cause()).isEqualTo(PendingCause.TIMEOUT));
        assertThat(vtpass.requery(new RequeryCommand(ref, ServiceType.ELECTRICITY, "EKEDC", "prepaid", null)))
                .isInstanceOf(VendOutcome.Succeeded.class);
        assertThat(record.vendCount("vtpass", ref)).isEqualTo(1);
    }

    @Test
    void aResetConnectionAndAnUnexpectedReplyArePendingNeverFailed() {
        assertThat(vtpass.vend(command(vtpass.newReference(), ServiceType.AIRTIME, "MTN", null, "400000000000", 10_000)))
                .isInstanceOfSatisfying(VendOutcome.Pending.class, p -> assertThat(p.cause()).isEqualTo(PendingCause.CONNECTION_RESET));
        assertThat(vtpass.vend(command(vtpass.newReference(), ServiceType.AIRTIME, "MTN", null, "500000000000", 10_000)))
                .isInstanceOfSatisfying(VendOutcome.Pending.class, p -> assertThat(p.cause()).isEqualTo(PendingCause.UNPARSEABLE_REPLY));
    }

    @Test
    void aReusedRequestIdIsNeverVendedTwiceAndIsNotAFailure() {
        String ref = vtpass.newReference();
        vtpass.vend(command(ref, ServiceType.AIRTIME, "MTN", null, "08011111234", 10_000));
        VendOutcome again = vtpass.vend(command(ref, ServiceType.AIRTIME, "MTN", null, "08011111234", 10_000));
        assertThat(again).isInstanceOfSatisfying(VendOutcome.Pending.class, p -> assertThat(p.providerCode()).isEqualTo("014"));
        assertThat(record.vendCount("vtpass", ref)).isEqualTo(1);
    }

    @Test
    void insufficientFloatAndWrongKeysAreFailuresBeforeProcessing() {
        assertThat(vtpass.vend(command(vtpass.newReference(), ServiceType.AIRTIME, "MTN", null, "01800000000", 10_000)))
                .isInstanceOfSatisfying(VendOutcome.Failed.class, f -> {
                    assertThat(f.failureClass()).isEqualTo(FailureClass.INSUFFICIENT_FLOAT);
                    assertThat(f.beforeProcessing()).isTrue();
                });
        VtpassConnector wrongKeys = new VtpassConnector(new VtpassProperties(baseUrl, "x", "y", "z", null, null));
        assertThat(wrongKeys.vend(command(wrongKeys.newReference(), ServiceType.AIRTIME, "MTN", null, "08011111111", 10_000)))
                .isInstanceOfSatisfying(VendOutcome.Failed.class, f -> assertThat(f.providerCode()).isEqualTo("087"));
    }

    @Test
    void a019IsNotSentAndWaitsOutTheWindowHereInsteadOfFailingOver() {
        // 019: the same biller code was vended within 30 s. Another provider would vend it again at once.
        String ref = vtpass.newReference();
        assertThat(vtpass.vend(command(ref, ServiceType.AIRTIME, "MTN", null, "01900000000", 10_000)))
                .isInstanceOfSatisfying(VendOutcome.NotSent.class, n -> {
                    assertThat(n.providerCode()).isEqualTo("019");
                    assertThat(n.reason()).isEqualTo(VendOutcome.NotSentReason.ACCOUNT_WINDOW);
                    assertThat(n.reason().mayFailOver()).isFalse();
                    assertThat(n.retryAfter()).isEqualTo(Duration.ofSeconds(35));
                });
        assertThat(record.vendCount("vtpass", ref)).isZero();
    }

    @Test
    void aRequestIdDatedYesterdayInLagosIsNotSentAndReplacedNeverFailed() {
        // 085: VTpass refuses the request_id itself; vend-service asks referenceUsable first and re-sends
        // under a new one when VTpass refuses it anyway.
        String yesterday = java.time.LocalDateTime.now(java.time.ZoneId.of("Africa/Lagos")).minusDays(1)
                .format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMddHHmm")) + "abcdefabcdef";
        assertThat(vtpass.referenceUsable(yesterday, java.time.Instant.now())).isFalse();
        assertThat(vtpass.vend(command(yesterday, ServiceType.AIRTIME, "MTN", null, "08011111111", 10_000)))
                .isInstanceOfSatisfying(VendOutcome.NotSent.class, n -> {
                    assertThat(n.providerCode()).isEqualTo("085");
                    assertThat(n.reason()).isEqualTo(VendOutcome.NotSentReason.REFERENCE_REFUSED);
                    assertThat(n.reason().mayFailOver()).isFalse();
                    assertThat(n.message()).contains("DATE NOT TODAY");
                });
        assertThat(record.vendCount("vtpass", yesterday)).isZero();
    }

    @Test
    void aRequestIdIsUsableOnlyOnTheLagosDayItCarries() {
        // 23:59:30 in Lagos (UTC+1) is 22:59:30 UTC.
        java.time.Instant beforeMidnight = java.time.Instant.parse("2026-05-04T22:59:30Z");
        VtpassConnector late = new VtpassConnector(new VtpassProperties(baseUrl, "k", "p", "s", null, null),
                java.time.Clock.fixed(beforeMidnight, java.time.ZoneOffset.UTC));
        String ref = late.newReference();
        assertThat(ref).startsWith("202605042359");
        assertThat(late.referenceUsable(ref, beforeMidnight.plusSeconds(29))).isTrue();
        assertThat(late.referenceUsable(ref, beforeMidnight.plusSeconds(30))).isFalse();
        assertThat(late.referenceUsable("garbage", beforeMidnight)).isFalse();
        assertThat(late.referenceUsable("2026050499aaXXXXXXXXXXXX", beforeMidnight)).isFalse();
    }

    @Test
    void anOrderWithoutAPhoneGetsTheConfiguredMerchantPhoneNeverAMadeUpOne() {
        VendCommand noPhone = new VendCommand(vtpass.newReference(), ServiceType.ELECTRICITY, "IKEDC", "prepaid",
                "1111111111111", null, 100_000, "NGN", 1, null, null);
        // Without a merchant phone the vend fails before anything is sent.
        assertThat(vtpass.vend(noPhone)).isInstanceOfSatisfying(VendOutcome.Failed.class, f -> {
            assertThat(f.failureClass()).isEqualTo(FailureClass.VALIDATION);
            assertThat(f.beforeProcessing()).isTrue();
            assertThat(f.message()).contains("merchant-phone");
        });
        assertThat(record.vendRequests("vtpass", noPhone.reference())).isZero();

        VtpassConnector withPhone = new VtpassConnector(new VtpassProperties(baseUrl, "sandbox-api-key", "PK_sandbox",
                "SK_sandbox", Duration.ofSeconds(2), Duration.ofSeconds(3), "08030000001"));
        String ref = withPhone.newReference();
        assertThat(withPhone.vend(new VendCommand(ref, ServiceType.ELECTRICITY, "IKEDC", "prepaid", "1111111111111", null,
                100_000, "NGN", 1, null, null))).isInstanceOf(VendOutcome.Succeeded.class);
        assertThat(sandbox.getBean(Transactions.class).find("vtpass", ref).details().get("request"))
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("phone", "08030000001");
    }

    @Test
    void aReplyForAnotherRequestIdIsPendingNeverTakenAsOurs() {
        String reply = """
                {"code":"000","response_description":"TRANSACTION SUCCESSFUL","requestId":"%s",
                 "content":{"transactions":{"status":"delivered","transactionId":"17"}},"purchased_code":"Token : 1234"}""";
        assertThat(VtpassTransformer.outcome(reply.formatted("202605041200someoneelse00"), ServiceType.ELECTRICITY,
                "202605041200ourrequest000")).isInstanceOfSatisfying(VendOutcome.Pending.class, p -> {
                    assertThat(p.cause()).isEqualTo(PendingCause.UNPARSEABLE_REPLY);
                    assertThat(p.message()).contains("202605041200someoneelse00");
                });
        assertThat(VtpassTransformer.outcome(reply.formatted("202605041200ourrequest000"), ServiceType.ELECTRICITY,
                "202605041200ourrequest000")).isInstanceOf(VendOutcome.Succeeded.class);
    }

    @Test
    void aRefusedConnectionFailsBeforeProcessing() {
        VtpassConnector nowhere = new VtpassConnector(new VtpassProperties("http://localhost:1/vtpass/api", "a", "b", "c",
                Duration.ofSeconds(1), Duration.ofSeconds(1)));
        assertThat(nowhere.vend(command(nowhere.newReference(), ServiceType.AIRTIME, "MTN", null, "08011111111", 10_000)))
                .isInstanceOfSatisfying(VendOutcome.Failed.class, f -> assertThat(f.beforeProcessing()).isTrue());
    }

    @Test
    void verificationReadsWrongBillersCodeDespiteCode000() {
        assertThat(vtpass.verify(new VerifyCommand(ServiceType.ELECTRICITY, "IKEDC", "prepaid", "1111111111111")).status())
                .isEqualTo(AccountVerification.Status.VALID);
        assertThat(vtpass.verify(new VerifyCommand(ServiceType.ELECTRICITY, "IKEDC", "prepaid", "99999999")).status())
                .isEqualTo(AccountVerification.Status.INVALID);
    }

    @Test
    void documentedReplyShapesParseToTheRightOutcome() {
        // docs/providers.md, VTpass: the 2025 prepaid sample (string amounts, "Token : " prefix).
        assertThat(VtpassTransformer.outcome("""
                {"code":"000","content":{"transactions":{"status":"delivered","unit_price":"2000","amount":"2000",
                "commission":"40","transactionId":"17416051557985745412"}},"response_description":"TRANSACTION SUCCESSFUL",
                "requestId":"2025031012128376","amount":2000,"purchased_code":"Token : 26362054405982757802",
                "units":"79.9 kWh"}""")).isInstanceOfSatisfying(VendOutcome.Succeeded.class,
                s -> assertThat(s.token()).isEqualTo("26362054405982757802"));
        // Older EKEDC shape: mainToken and mainTokenUnits, numeric amounts.
        assertThat(VtpassTransformer.outcome("""
                {"code":"000","content":{"transactions":{"status":"delivered","amount":1000,"commission":15}},
                "mainToken":"1234 5678 9012 3456 7890","mainTokenUnits":"12.5","purchased_code":"N/A"}"""))
                .isInstanceOfSatisfying(VendOutcome.Succeeded.class, s -> {
                    assertThat(s.token()).isEqualTo("1234 5678 9012 3456 7890");
                    assertThat(s.units()).isEqualTo("12.5");
                });
        assertThat(VtpassTransformer.outcome("{\"code\":\"000\",\"content\":{\"transactions\":{\"status\":\"initiated\"}}}"))
                .isInstanceOf(VendOutcome.Pending.class);
        assertThat(VtpassTransformer.outcome("{\"code\":\"000\",\"content\":{\"transactions\":{\"status\":\"pending\"}}}"))
                .isInstanceOf(VendOutcome.Pending.class);
        assertThat(VtpassTransformer.outcome("{\"code\":\"099\",\"response_description\":\"TRANSACTION IS PROCESSING\"}"))
                .isInstanceOf(VendOutcome.Pending.class);
        assertThat(VtpassTransformer.outcome("{\"code\":\"040\"}")).isInstanceOf(VendOutcome.Failed.class);
        assertThat(VtpassTransformer.outcome("{\"code\":\"091\"}"))
                .isInstanceOfSatisfying(VendOutcome.Failed.class, f -> assertThat(f.beforeProcessing()).isTrue());
        assertThat(VtpassTransformer.outcome("{\"code\":\"777\"}")).isInstanceOf(VendOutcome.Pending.class);
        assertThat(VtpassTransformer.outcome("not json")).isInstanceOf(VendOutcome.Pending.class);
    }

    @Test
    void documentedPinRepliesPutEveryPinInPinsAndNoneInToken() {
        // WAEC result checker page sample: one card, purchased_code "Serial No:…, pin: …", type Education.
        assertThat(VtpassTransformer.outcome("""
                {"code":"000","content":{"transactions":{"status":"delivered","product_name":"WAEC Result Checker PIN",
                "unit_price":900,"quantity":1,"commission":100,"type":"Education","amount":900,
                "transactionId":"1582290782154"}},"response_description":"TRANSACTION SUCCESSFUL","amount":"900.00",
                "purchased_code":"Serial No:WRN123456790, pin: 098765432112",
                "cards":[{"Serial":"WRN123456790","Pin":"098765432112"}]}""")).isInstanceOfSatisfying(
                VendOutcome.Succeeded.class, s -> {
                    assertThat(s.pins()).containsExactly("098765432112");
                    assertThat(s.token()).isNull();
                    assertThat(s.receipt()).containsEntry("serials", "WRN123456790");
                });
        // Several cards only in purchased_code, joined by "||".
        assertThat(VtpassTransformer.outcome("""
                {"code":"000","content":{"transactions":{"status":"delivered","quantity":2}},
                "purchased_code":"Serial No:WRN1, pin: 111111111111||Serial No:WRN2, pin: 222222222222"}""",
                ServiceType.EDUCATION)).isInstanceOfSatisfying(VendOutcome.Succeeded.class, s -> {
                    assertThat(s.pins()).containsExactly("111111111111", "222222222222");
                    assertThat(s.token()).isNull();
                });
        // JAMB page sample: no cards, "Pin : …" in purchased_code and Pin.
        assertThat(VtpassTransformer.outcome("""
                {"code":"000","content":{"transactions":{"status":"delivered","product_name":"Jamb","unit_price":4700,
                "quantity":1,"commission":0,"type":"Education","amount":4700,"transactionId":"16457951913329637534894519"}},
                "response_description":"TRANSACTION SUCCESSFUL","purchased_code":"Pin : 367574683050773",
                "Pin":"Pin : 367574683050773"}""")).isInstanceOfSatisfying(VendOutcome.Succeeded.class, s -> {
                    assertThat(s.pins()).containsExactly("367574683050773");
                    assertThat(s.token()).isNull();
                });
        // An electricity token stays a token even when the caller says ELECTRICITY.
        assertThat(VtpassTransformer.outcome("""
                {"code":"000","content":{"transactions":{"status":"delivered","type":"Electricity Bill"}},
                "purchased_code":"Token : 26362054405982757802"}""", ServiceType.ELECTRICITY))
                .isInstanceOfSatisfying(VendOutcome.Succeeded.class, s -> {
                    assertThat(s.token()).isEqualTo("26362054405982757802");
                    assertThat(s.pins()).isEmpty();
                });
    }

    @Test
    void variationsAreReadUnderVtpassMisspelledKeyToo() {
        VtpassTransformer.ListedService smile = new VtpassTransformer.ListedService("smile-direct", "Smile Payment", 100L,
                null);
        // The Smile page's sample, key spelled "varations".
        List<CatalogOffer> offers = VtpassTransformer.variations("""
                {"response_description":"000","content":{"ServiceName":"Smile Payment","serviceID":"smile-direct",
                "convinience_fee":"N0.00","varations":[{"variation_code":"518",
                "name":"SmileVoice ONLY 430 for 30days - 3,070 Naira","variation_amount":"3070.00","fixedPrice":"Yes"},
                {"variation_code":"583","name":"UnlimitedPlatinum for 30days - 24,000 Naira",
                "variation_amount":"24000.00","fixedPrice":"Yes"}]}}""", ServiceType.DATA, "SMILE", smile, c -> c);
        assertThat(offers).extracting(CatalogOffer::itemId, CatalogOffer::priceMinor)
                .containsExactly(Assertions.tuple("518", 307_000L), Assertions.tuple("583", 2_400_000L));
        assertThat(VtpassTransformer.variations("""
                {"response_description":"000","content":{"variations":[{"variation_code":"518","name":"x",
                "variation_amount":"3070.00","fixedPrice":"Yes"}]}}""", ServiceType.DATA, "SMILE", smile, c -> c))
                .hasSize(1);
    }

    @Test
    void aFixedPriceVariationWhosePriceCannotBeReadIsLeftOutNotSoldAsAnOpenAmount() {
        VtpassTransformer.ListedService dstv = new VtpassTransformer.ListedService("dstv", "DSTV", 100L, 10_000_000L);
        assertThat(VtpassTransformer.variations("""
                {"response_description":"000","content":{"variations":[
                {"variation_code":"dstv-padi","name":"Padi","variation_amount":"N2,900","fixedPrice":"Yes"},
                {"variation_code":"dstv-yanga","name":"Yanga","variation_amount":"3500.00","fixedPrice":"Yes"}]}}""",
                ServiceType.CABLE_TV, "DSTV", dstv, c -> c)).extracting(CatalogOffer::itemId).containsExactly("dstv-yanga");
    }

    @Test
    void aSmileEmailReplyWithSeveralAccountsKeepsThemAll() {
        // The shape public integrator code reads: AccountList {Account: [...], NumberOfAccounts}.
        AccountVerification v = VtpassTransformer.smileEmail("""
                {"code":"000","content":{"Customer_Name":"THE TESTER","AccountList":{"Account":[
                {"AccountId":"1402000567","FriendlyName":"HOME"},{"AccountId":"1402000568","FriendlyName":"OFFICE"}],
                "NumberOfAccounts":2}}}""");
        assertThat(v.status()).isEqualTo(AccountVerification.Status.VALID);
        assertThat(v.customerName()).isEqualTo("THE TESTER");
        assertThat(v.details()).containsEntry("AccountId", "1402000567").containsEntry("FriendlyName", "HOME")
                .containsEntry("Number_Of_Accounts", "2").containsEntry("AccountIds", "1402000567,1402000568");
        assertThat(VtpassTransformer.smileEmail("{\"code\":\"000\",\"content\":{\"Customer_Name\":\"X\",\"AccountList\":{\"NumberOfAccounts\":0}}}")
                .status()).isEqualTo(AccountVerification.Status.INVALID);
        assertThat(VtpassTransformer.smileEmail("{\"code\":\"087\"}").status())
                .isEqualTo(AccountVerification.Status.UNAVAILABLE);
    }

    @Test
    void everyDocumentedCodeIsMappedAndOnlyExplicitFailuresFail() {
        List<String> documented = List.of("000", "099", "001", "044", "091", "016", "010", "011", "012", "013", "017",
                "031", "032", "014", "015", "018", "021", "022", "023", "024", "027", "028", "087", "019", "025", "026",
                "030", "034", "035", "040", "083", "085", "089", "020");
        assertThat(VtpassCodes.TABLE.rules()).extracting(CodeRule::code).containsAll(documented);
        for (String ambiguous : List.of("000", "099", "014", "083", "089", "044", "015")) {
            assertThat(VtpassCodes.rule(ambiguous).orElseThrow().outcome()).as(ambiguous).isEqualTo(CodeRule.Outcome.PENDING);
        }
    }

    @Test
    void catalogueListsServicesAndVariationsInOurTerms() {
        List<CatalogOffer> offers = vtpass.offers(null);
        assertThat(offers).filteredOn(o -> o.service() == ServiceType.AIRTIME && o.billerId().equals("MTN"))
                .singleElement().satisfies(o -> {
                    assertThat(o.itemId()).isNull();
                    assertThat(o.minAmountMinor()).isEqualTo(5_000L);
                    assertThat(o.maxAmountMinor()).isEqualTo(5_000_000L);
                });
        assertThat(offers).filteredOn(o -> o.service() == ServiceType.DATA && o.billerId().equals("MTN"))
                .extracting(CatalogOffer::itemId, CatalogOffer::priceMinor)
                .contains(Assertions.tuple("mtn-10mb-100", 10_000L), Assertions.tuple("mtn-500mb-2000", 200_000L));
        // Smile's numeric variation codes come back as our item ids.
        assertThat(offers).filteredOn(o -> o.billerId().equals("SMILE")).extracting(CatalogOffer::itemId)
                .contains("smile-1gb", "smile-2gb");
        assertThat(offers).filteredOn(o -> o.billerId().equals("IKEDC") && "prepaid".equals(o.itemId()))
                .singleElement().satisfies(o -> {
                    assertThat(o.priceMinor()).isNull();
                    assertThat(o.minAmountMinor()).isEqualTo(50_000L);
                });
        assertThat(offers).filteredOn(o -> o.billerId().equals("JAMB")).extracting(CatalogOffer::itemId,
                CatalogOffer::priceMinor).contains(Assertions.tuple("utme-mock", 770_000L));
        assertThat(offers).allMatch(o -> o.currency().equals("NGN"));
    }

    @Test
    void aRefusedCatalogueListingThrowsInsteadOfLookingEmpty() {
        VtpassConnector wrongKeys = new VtpassConnector(new VtpassProperties(baseUrl, "wrong", "wrong", "wrong",
                Duration.ofSeconds(2), Duration.ofSeconds(3)));
        Assertions.assertThatThrownBy(() -> wrongKeys.offers(null)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("INVALID CREDENTIALS");
    }
}
