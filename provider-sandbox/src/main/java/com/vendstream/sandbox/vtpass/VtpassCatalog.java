package com.vendstream.sandbox.vtpass;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The VTpass catalogue the sandbox serves: categories, services (serviceIDs) and variations. */
final class VtpassCatalog {

    record Service(String serviceId, String name, String category, BigDecimal min, BigDecimal max,
                   List<Variation> variations) {
        Variation variation(String code) {
            return variations.stream().filter(v -> v.code().equals(code)).findFirst().orElse(null);
        }

        boolean needsVariation() {
            return !variations.isEmpty();
        }
    }

    /** {@code amount} null for open amounts (electricity prepaid/postpaid). */
    record Variation(String code, String name, BigDecimal amount) {
    }

    static final Map<String, String> CATEGORIES = Map.of("airtime", "Airtime Recharge", "data", "Data Services",
            "tv-subscription", "TV Subscription", "electricity-bill", "Electricity Bill", "education", "Education");

    static final Map<String, Service> SERVICES;

    static {
        Map<String, Service> m = new LinkedHashMap<>();
        for (String[] a : new String[][] {{"mtn", "MTN Airtime VTU"}, {"glo", "GLO Airtime VTU"},
                {"airtel", "Airtel Airtime VTU"}, {"etisalat", "9mobile Airtime VTU"}}) {
            m.put(a[0], new Service(a[0], a[1], "airtime", new BigDecimal("50"), new BigDecimal("50000"), List.of()));
        }
        m.put("mtn-data", data("mtn-data", "MTN Data", v("mtn-10mb-100", "N100 100MB - 24 hrs", "100"),
                v("mtn-50mb-200", "N200 200MB - 2 days", "200"), v("mtn-100mb-1000", "N1000 1.5GB - 30 days", "1000"),
                v("mtn-500mb-2000", "N2000 4.5GB - 30 days", "2000")));
        m.put("glo-data", data("glo-data", "Glo Data", v("glo100", "100MB - 1 day", "100"),
                v("glo1000", "2GB - 30 days", "1000")));
        m.put("airtel-data", data("airtel-data", "Airtel Data", v("airt-100", "Airtel 75MB - 1 day", "100"),
                v("airt-1000", "Airtel 1.5GB - 30 days", "1000")));
        m.put("etisalat-data", data("etisalat-data", "9mobile Data", v("eti-100", "9mobile 100MB - 1 day", "100"),
                v("eti-1000", "9mobile 1.5GB - 30 days", "1000")));
        m.put("smile-direct", data("smile-direct", "Smile Payment", v("624", "Smile 1GB - 30 days", "1000"),
                v("625", "Smile 2GB - 30 days", "1200")));
        m.put("dstv", tv("dstv", "DSTV Subscription", v("dstv-padi", "DStv Padi N2,900", "2900"),
                v("dstv-yanga", "DStv Yanga N3,500", "3500"), v("dstv-confam", "DStv Confam N6,200", "6200"),
                v("dstv79", "DStv Compact N10,500", "10500")));
        m.put("gotv", tv("gotv", "Gotv Payment", v("gotv-smallie", "GOtv Smallie N1,100", "1100"),
                v("gotv-max", "GOtv Max N4,850", "4850")));
        m.put("startimes", tv("startimes", "Startimes Subscription", v("nova", "Nova - 900 Naira", "900"),
                v("basic", "Basic - 1,700 Naira", "1700")));
        m.put("showmax", tv("showmax", "ShowMax", v("full", "Full - N2,900", "2900")));
        for (String[] e : new String[][] {{"ikeja-electric", "Ikeja Electric Payment - IKEDC"},
                {"eko-electric", "Eko Electric Payment - EKEDC"}, {"kano-electric", "KEDCO - Kano Electric"},
                {"portharcourt-electric", "PHED - Port Harcourt Electric"}, {"jos-electric", "Jos Electric - JED"},
                {"ibadan-electric", "IBEDC - Ibadan Electricity"}, {"kaduna-electric", "Kaduna Electric - KAEDCO"},
                {"abuja-electric", "Abuja Electricity - AEDC"}, {"enugu-electric", "Enugu Electric - EEDC"},
                {"benin-electric", "Benin Electricity - BEDC"}, {"aba-electric", "Aba Electric Payment - ABA"},
                {"yola-electric", "Yola Electric Disco - YEDC"}}) {
            m.put(e[0], new Service(e[0], e[1], "electricity-bill", new BigDecimal("500"), new BigDecimal("500000"),
                    List.of(new Variation("prepaid", "Prepaid", null), new Variation("postpaid", "Postpaid", null))));
        }
        m.put("jamb", new Service("jamb", "JAMB PIN VENDING (UTME & Direct Entry)", "education", BigDecimal.ONE,
                new BigDecimal("100000"), List.of(v("utme-mock", "UTME PIN (with mock)", "7700"),
                v("utme-no-mock", "UTME PIN (without mock)", "6200"), v("de", "Direct Entry (DE)", "6200"))));
        m.put("waec", new Service("waec", "WAEC Result Checker PIN", "education", BigDecimal.ONE,
                new BigDecimal("100000"), List.of(v("waecdirect", "WASSCE result checker", "900"))));
        m.put("waec-registration", new Service("waec-registration", "WAEC Registration PIN", "education",
                BigDecimal.ONE, new BigDecimal("100000"), List.of(v("waec-registraion", "WASSCE for Private Candidates",
                "14450"))));
        SERVICES = Map.copyOf(m);
    }

    private VtpassCatalog() {
    }

    private static Variation v(String code, String name, String amount) {
        return new Variation(code, name, new BigDecimal(amount));
    }

    private static Service data(String id, String name, Variation... variations) {
        return new Service(id, name, "data", BigDecimal.ONE, new BigDecimal("100000"), List.of(variations));
    }

    private static Service tv(String id, String name, Variation... variations) {
        return new Service(id, name, "tv-subscription", BigDecimal.ONE, new BigDecimal("100000"), List.of(variations));
    }

    static boolean isElectricity(String serviceId) {
        return serviceId != null && serviceId.endsWith("-electric");
    }

    /** Products VTpass documents an optional {@code quantity} for: several PINs in one transaction. */
    static boolean takesQuantity(String serviceId) {
        return "waec".equals(serviceId) || "waec-registration".equals(serviceId);
    }

    static boolean isPin(String serviceId) {
        return "jamb".equals(serviceId) || "waec".equals(serviceId) || "waec-registration".equals(serviceId);
    }
}
