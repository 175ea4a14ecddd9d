package com.vendstream.providers.vtpass;

import com.vendstream.providers.AccountVerification;
import com.vendstream.providers.CatalogOffer;
import com.vendstream.providers.CatalogSource;
import com.vendstream.providers.FailureClass;
import com.vendstream.providers.Masking;
import com.vendstream.providers.Money;
import com.vendstream.providers.RequeryCommand;
import com.vendstream.providers.ServiceType;
import com.vendstream.providers.VendCommand;
import com.vendstream.providers.VendConnector;
import com.vendstream.providers.VendOutcome;
import com.vendstream.providers.VerifyCommand;
import com.vendstream.providers.support.ProviderHttp;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

/**
 * VTpass (vtpass.com/documentation): POST pay, POST requery by request_id, POST merchant-verify, and the
 * catalogue (GET services per category, GET service-variations per service).
 * Stateless apart from its HTTP client; safe to share between threads.
 */
public class VtpassConnector implements VendConnector, CatalogSource {

    private static final Logger log = LoggerFactory.getLogger(VtpassConnector.class);
    private static final ZoneId LAGOS = ZoneId.of("Africa/Lagos");
    private static final DateTimeFormatter PREFIX = DateTimeFormatter.ofPattern("yyyyMMddHHmm");
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Our biller ids to VTpass serviceIDs, per service. */
    static final Map<String, String> SERVICE_IDS = Map.ofEntries(
            Map.entry("AIRTIME/MTN", "mtn"), Map.entry("AIRTIME/GLO", "glo"), Map.entry("AIRTIME/AIRTEL", "airtel"),
            Map.entry("AIRTIME/9MOBILE", "etisalat"),
            Map.entry("DATA/MTN", "mtn-data"), Map.entry("DATA/GLO", "glo-data"), Map.entry("DATA/AIRTEL", "airtel-data"),
            Map.entry("DATA/9MOBILE", "etisalat-data"), Map.entry("DATA/SMILE", "smile-direct"),
            Map.entry("CABLE_TV/DSTV", "dstv"), Map.entry("CABLE_TV/GOTV", "gotv"),
            Map.entry("CABLE_TV/STARTIMES", "startimes"), Map.entry("CABLE_TV/SHOWMAX", "showmax"),
            Map.entry("ELECTRICITY/IKEDC", "ikeja-electric"), Map.entry("ELECTRICITY/EKEDC", "eko-electric"),
            Map.entry("ELECTRICITY/KEDCO", "kano-electric"), Map.entry("ELECTRICITY/PHED", "portharcourt-electric"),
            Map.entry("ELECTRICITY/JED", "jos-electric"), Map.entry("ELECTRICITY/IBEDC", "ibadan-electric"),
            Map.entry("ELECTRICITY/KAEDCO", "kaduna-electric"), Map.entry("ELECTRICITY/AEDC", "abuja-electric"),
            Map.entry("ELECTRICITY/EEDC", "enugu-electric"), Map.entry("ELECTRICITY/BEDC", "benin-electric"),
            Map.entry("ELECTRICITY/ABA", "aba-electric"), Map.entry("ELECTRICITY/YEDC", "yola-electric"),
            Map.entry("EDUCATION/JAMB", "jamb"), Map.entry("EDUCATION/WAEC", "waec"),
            Map.entry("EDUCATION/WAEC_REGISTRATION", "waec-registration"));

    /** Our services to VTpass's category identifiers (GET service-categories). */
    static final Map<ServiceType, String> CATEGORIES = Map.of(ServiceType.AIRTIME, "airtime", ServiceType.DATA, "data",
            ServiceType.CABLE_TV, "tv-subscription", ServiceType.ELECTRICITY, "electricity-bill",
            ServiceType.EDUCATION, "education");

    /** Our catalogue item ids that differ from VTpass variation codes; all others are sent as they are. */
    static final Map<String, String> VARIATIONS = Map.of("SMILE/smile-1gb", "624", "SMILE/smile-2gb", "625");

    private final VtpassProperties properties;
    private final RestClient http;
    private final Clock clock;

    public VtpassConnector(VtpassProperties properties) {
        this(properties, Clock.systemUTC());
    }

    public VtpassConnector(VtpassProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
        this.http = ProviderHttp.client(properties.baseUrl(), properties.connectTimeout(), properties.readTimeout());
    }

    @Override
    public String id() {
        return "vtpass";
    }

    @Override
    public Set<ServiceType> services() {
        return EnumSet.of(ServiceType.AIRTIME, ServiceType.DATA, ServiceType.CABLE_TV, ServiceType.ELECTRICITY,
                ServiceType.EDUCATION);
    }

    /** VTpass request_id: today's date and time in Africa/Lagos as YYYYMMDDHHmm, then a random suffix. */
    @Override
    public String newReference() {
        StringBuilder id = new StringBuilder(clock.instant().atZone(LAGOS).format(PREFIX));
        for (int i = 0; i < 12; i++) {
            id.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return id.toString();
    }

    /**
     * VTpass refuses (085) a request_id whose date is not today in Lagos; one claimed just before
     * midnight must be replaced before it is sent.
     */
    @Override
    public boolean referenceUsable(String reference, Instant at) {
        if (reference == null || reference.length() < 12) {
            return false;
        }
        try {
            LocalDate stamped = LocalDateTime.parse(reference.substring(0, 12), PREFIX).toLocalDate();
            return stamped.equals(at.atZone(LAGOS).toLocalDate());
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    static String serviceId(ServiceType service, String billerId) {
        String id = SERVICE_IDS.get(service.name() + "/" + billerId.toUpperCase(Locale.ROOT));
        if (id == null) {
            throw new IllegalArgumentException("VTpass does not sell " + service + "/" + billerId);
        }
        return id;
    }

    @Override
    public VendOutcome vend(VendCommand command) {
        String serviceId;
        try {
            serviceId = serviceId(command.service(), command.billerId());
        } catch (IllegalArgumentException e) {
            return new VendOutcome.Failed(null, FailureClass.VALIDATION, e.getMessage(), true);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("request_id", command.reference());
        body.put("serviceID", serviceId);
        body.put("amount", Money.of(command.amountMinor(), command.currency()).toDecimal().toPlainString());
        if (command.service() == ServiceType.AIRTIME) {
            body.put("phone", command.account());
        } else {
            String phone = command.customerPhone() != null && !command.customerPhone().isBlank()
                    ? command.customerPhone() : properties.merchantPhone();
            if (phone == null) {
                // VTpass requires a phone on every purchase; sending a made-up one is not an option.
                return new VendOutcome.Failed(null, FailureClass.VALIDATION, "VTpass needs a phone: the order has no"
                        + " customer phone and vendstream.providers.vtpass.merchant-phone is not set", true);
            }
            body.put("billersCode", command.account());
            body.put("phone", phone);
        }
        if (command.itemId() != null) {
            body.put("variation_code", VARIATIONS.getOrDefault(command.billerId().toUpperCase(Locale.ROOT) + "/"
                    + command.itemId(), command.itemId()));
        }
        if (command.quantity() > 1) {
            body.put("quantity", command.quantity());
        }
        VendOutcome outcome;
        try {
            outcome = VtpassTransformer.outcome(post("/pay", body), command.service(), command.reference());
        } catch (RuntimeException e) {
            outcome = ProviderHttp.classify(e);
        }
        log.info("VTpass vend {} for {} {}: {}", command.reference(), serviceId, Masking.account(command.account()),
                outcome.getClass().getSimpleName() + "/" + outcome.providerCode());
        return outcome;
    }

    @Override
    public VendOutcome requery(RequeryCommand command) {
        try {
            return VtpassTransformer.outcome(post("/requery", Map.of("request_id", command.reference())),
                    command.service(), command.reference());
        } catch (RuntimeException e) {
            return ProviderHttp.classifyRequery(e);
        }
    }

    private String post(String path, Map<String, Object> body) {
        return http.post().uri(path).contentType(MediaType.APPLICATION_JSON)
                .header("api-key", properties.apiKey()).header("secret-key", properties.secretKey())
                .body(body).retrieve().body(String.class);
    }

    @Override
    public AccountVerification verify(VerifyCommand command) {
        Map<String, Object> body = new LinkedHashMap<>();
        try {
            body.put("serviceID", serviceId(command.service(), command.billerId()));
        } catch (IllegalArgumentException e) {
            return AccountVerification.invalid(e.getMessage());
        }
        body.put("billersCode", command.account());
        // Smile customers may be looked up by email, on an endpoint of its own (Smile Network Payment API
        // page); phone numbers and every other account keep using merchant-verify.
        boolean smileEmail = isSmileEmail(command);
        if (command.itemId() != null && !smileEmail) {
            body.put("type", command.itemId());
        }
        String reply;
        try {
            reply = http.post().uri(smileEmail ? "/merchant-verify/smile/email" : "/merchant-verify")
                    .contentType(MediaType.APPLICATION_JSON)
                    .header("api-key", properties.apiKey()).header("secret-key", properties.secretKey())
                    .body(body).retrieve().body(String.class);
        } catch (RuntimeException e) {
            return AccountVerification.unavailable("VTpass could not be reached", ProviderHttp.isProviderDown(e));
        }
        return smileEmail ? VtpassTransformer.smileEmail(reply) : VtpassTransformer.merchantVerify(reply);
    }

    static boolean isSmileEmail(VerifyCommand command) {
        return command.service() == ServiceType.DATA && "SMILE".equalsIgnoreCase(command.billerId())
                && command.account() != null && command.account().contains("@");
    }

    /**
     * Every service VTpass lists in the categories we sell, with its variations (plans, bouquets,
     * PIN types, prepaid/postpaid). Airtime has no variations: its offer is the biller with VTpass's
     * bounds. VTpass has no sub-accounts, so {@code scope} is ignored.
     */
    @Override
    public List<CatalogOffer> offers(String scope) {
        List<CatalogOffer> offers = new ArrayList<>();
        for (Map.Entry<ServiceType, String> category : CATEGORIES.entrySet()) {
            ServiceType service = category.getKey();
            for (VtpassTransformer.ListedService listed : VtpassTransformer.services(get("/services?identifier="
                    + category.getValue()))) {
                String billerId = billerOf(service, listed.serviceId());
                if (billerId == null) {
                    continue;
                }
                if (service == ServiceType.AIRTIME) {
                    if (!listed.offersOpenAmounts()) {
                        continue;
                    }
                    offers.add(new CatalogOffer(service, billerId, null, listed.name(), VtpassTransformer.CURRENCY, null,
                            listed.minAmountMinor(), listed.maxAmountMinor()));
                } else {
                    offers.addAll(VtpassTransformer.variations(get("/service-variations?serviceID=" + listed.serviceId()),
                            service, billerId, listed, code -> itemOf(billerId, code)));
                }
            }
        }
        return offers;
    }

    private String get(String uri) {
        return http.get().uri(uri).header("api-key", properties.apiKey()).header("public-key", properties.publicKey())
                .retrieve().body(String.class);
    }

    private static String billerOf(ServiceType service, String serviceId) {
        String prefix = service.name() + "/";
        return SERVICE_IDS.entrySet().stream().filter(e -> e.getKey().startsWith(prefix) && e.getValue().equals(serviceId))
                .map(e -> e.getKey().substring(prefix.length())).findFirst().orElse(null);
    }

    private static String itemOf(String billerId, String variationCode) {
        String prefix = billerId + "/";
        return VARIATIONS.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)
                && e.getValue().equals(variationCode)).map(e -> e.getKey().substring(prefix.length()))
                .findFirst().orElse(variationCode);
    }
}
