package com.vendstream.deploy;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static com.tngtech.archunit.library.freeze.FreezingArchRule.freeze;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import com.tngtech.archunit.library.freeze.ViolationLineMatcher;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The module map's rules over the main classes of the five services (this module depends on all of them), and
 * over wallet-ledger, the library order-service keeps its wallets in.
 *
 * <p>Rules with debt today are frozen (the cycles of order-service's feature packages); the domain rules and
 * wallet-ledger's operations have none and hold outright. Frozen: {@code src/test/archunit-store} lists the violations that existed
 * when the rule came in. A listed violation passes and a new one fails. {@code archunit.properties} forbids a
 * build to create the store, to update it (a fixed violation, or a rule whose description changed, fails until
 * the store is updated on purpose) or to refreeze it, so the list cannot be rewritten silently.
 */
class ArchitectureTest {

    /** Root packages: com.vendstream.&lt;service&gt;. */
    private static final List<String> SERVICES = List.of("order", "vend", "poller", "recon", "ops");
    /** Root packages of library modules that belong to one service, and that service: only it may use them. */
    private static final Map<String, String> SERVICE_LIBRARIES = Map.of("wallet", "order");
    private static final String[] KAFKA = {"org.apache.kafka..", "org.springframework.kafka..",
        "org.springframework.cloud.stream.."};
    private static final String[] WEB = {"org.springframework.web..", "org.springframework.http..", "reactor.netty.."};
    private static final String[] MONGO = {"org.bson..", "com.mongodb.."};
    /** Adapter packages of a service: its web API and its Kafka intake. */
    private static final Set<String> ADAPTER_PACKAGES = Set.of("api", "intake");
    /** Adapter classes that sit in a feature package: web endpoints, Spring wiring, MongoDB stores. */
    private static final List<String> ADAPTER_SUFFIXES = List.of("Controller", "Configuration", "Store");

    private static final DescribedPredicate<JavaClass> DOMAIN = DescribedPredicate.describe(
        "are domain classes (a service's feature packages less api, intake, *Controller, *Configuration, *Store)",
        ArchitectureTest::isDomain);

    /**
     * A cycle's violation lists the dependencies that form it; a known cycle stays known when those change
     * (one of them removed, another added), and only a cycle through a new path of packages is new.
     */
    private static final Pattern CYCLE_DETAILS = Pattern.compile("\\s+1\\. Dependencies of .*", Pattern.DOTALL);
    private static final ViolationLineMatcher SAME_CYCLE =
        (actual, stored) -> cyclePath(actual).equals(cyclePath(stored));

    /**
     * wallet-ledger's classes less its MongoDB store ({@code WalletStore}): the operations that should reach
     * the store through it rather than build documents inline.
     */
    private static final DescribedPredicate<JavaClass> LEDGER_OPERATIONS = DescribedPredicate.describe(
        "are wallet-ledger's operations (com.vendstream.wallet less *Store)",
        type -> !type.getName().replaceFirst("\\$.*", "").endsWith("Store"));

    private static JavaClasses classes;
    private static JavaClasses walletLedger;

    @BeforeAll
    static void importServices() {
        classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(SERVICES.stream().map(service -> "com.vendstream." + service).toList());
        walletLedger = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("com.vendstream.wallet");
    }

    @Test
    void noServiceImportsAnother() {
        CompositeArchRule.of(SERVICES.stream().map(ArchitectureTest::onlyItsOwnService).toList()).check(classes);
    }

    @ParameterizedTest
    @FieldSource("SERVICES")
    void featurePackagesOfAServiceFormNoNewCycles(String service) {
        freeze(slices().matching("com.vendstream." + service + ".(*)..").should().beFreeOfCycles()
            .because("a feature package that needs another one should not be needed by it"))
            .associateViolationLinesVia(SAME_CYCLE)
            .check(classes);
    }

    @Test
    void domainGainsNoKafkaImports() {
        domainFreeOf("Kafka", KAFKA).check(classes);
    }

    @Test
    void domainGainsNoWebImports() {
        domainFreeOf("web", WEB).check(classes);
    }

    @Test
    void domainGainsNoMongoImports() {
        domainFreeOf("MongoDB", MONGO).check(classes);
    }

    /** Its HTTP edge is order-service's WalletController; it publishes no events. */
    @Test
    void walletLedgerHasNoWebOrKafkaImports() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(Stream.of(WEB, KAFKA).flatMap(Stream::of)
                .toArray(String[]::new))
            .because("wallet-ledger is a library behind a port (WalletLedger); web and Kafka are its users' adapters")
            .check(walletLedger);
    }

    @Test
    void walletLedgerUsesNoService() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(Stream.concat(SERVICES.stream(),
                Stream.of("sandbox", "deploy", "registry")).map(other -> "com.vendstream." + other + "..")
                .toArray(String[]::new))
            .because("order-service uses the ledger through its port, never the other way round")
            .check(walletLedger);
    }

    /**
     * order-service reaches the ledger through its port (WalletLedger and its value types); only its Spring
     * wiring may name the implementation, so order code cannot go round the port to the store or operations.
     */
    @Test
    void orderServiceUsesTheLedgerOnlyThroughItsPort() {
        noClasses().that().resideInAPackage("com.vendstream.order..")
            .and().haveSimpleNameNotEndingWith("Configuration")
            .should().dependOnClassesThat().haveFullyQualifiedName("com.vendstream.wallet.WalletStore")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("com.vendstream.wallet.Wallets")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("com.vendstream.wallet.WalletTransfers")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("com.vendstream.wallet.MongoWalletLedger")
            .because("the wallets are a ledger behind the WalletLedger port")
            .check(classes);
    }

    /**
     * The ledger's operations read wallets as {@code WalletStore.StoredWallet} and transfers through
     * {@code TransferStore}: the MongoDB debt Wallets and WalletTransfers brought from order-service is paid.
     */
    @Test
    void walletLedgerOperationsGainNoNewMongoImports() {
        noClasses().that(LEDGER_OPERATIONS).should().dependOnClassesThat().resideInAnyPackage(MONGO)
            .because("MongoDB belongs in the ledger's store (WalletStore), not in its operations")
            .check(walletLedger);
    }

    /**
     * The stores speak to MongoDB through the reactive driver and wait for it there: they run on consumer,
     * sweep and bounded-elastic threads. A wait anywhere else could land on an event-loop thread (a controller)
     * or hide I/O in domain logic, so the waits stay where the I/O is.
     */
    @Test
    void onlyStoresWaitOnTheReactiveDriver() {
        ArchRule rule = noClasses().that(DescribedPredicate.describe("are not stores",
                (JavaClass type) -> !type.getName().replaceFirst("\\$.*", "").endsWith("Store")))
            .should().callMethodWhere(DescribedPredicate.describe("it waits on a Mono or Flux (block*)",
                call -> call.getTargetOwner().getPackageName().equals("reactor.core.publisher")
                    && call.getName().startsWith("block")))
            .because("waiting on the driver belongs in the stores, the adapters that own the I/O");
        rule.check(classes);
        rule.check(walletLedger);
    }

    /**
     * Services reach mobile money through the provider-neutral port ({@code com.vendstream.providers.mobilemoney},
     * guarded by {@code providers.guard}); only Spring wiring may name a provider's own package.
     */
    @Test
    void servicesUseMobileMoneyOnlyThroughTheNeutralPort() {
        noClasses().that().resideInAnyPackage(SERVICES.stream().map(s -> "com.vendstream." + s + "..")
                .toArray(String[]::new))
            .and().haveSimpleNameNotEndingWith("Configuration")
            .should().dependOnClassesThat().resideInAPackage("com.vendstream.providers.dollr..")
            .because("callers bind to the neutral mobile-money port, so a second gateway is a new connector, not a"
                + " change in every service")
            .check(classes);
    }

    /**
     * The neutral port itself names no provider: Dollr's flow and session-level API ({@code providers.dollr})
     * depend on {@code providers.mobilemoney}, never the other way, so the port stays the one a second gateway
     * implements.
     */
    @Test
    void theMobileMoneyPortNamesNoProvider() {
        noClasses().that().resideInAPackage("com.vendstream.providers.mobilemoney..")
            .should().dependOnClassesThat().resideInAnyPackage(Stream.of("dollr", "pagamio", "pawacard", "pay4power",
                "vtpass").map(provider -> "com.vendstream.providers." + provider + "..").toArray(String[]::new))
            .because("a provider's types belong to its own package, behind the neutral port")
            .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("com.vendstream.providers.mobilemoney"));
    }

    private static ArchRule onlyItsOwnService(String service) {
        String[] others = Stream.concat(
                SERVICES.stream().filter(other -> !other.equals(service)),
                Stream.concat(Stream.of("sandbox", "deploy", "registry"), SERVICE_LIBRARIES.entrySet().stream()
                    .filter(library -> !library.getValue().equals(service)).map(Map.Entry::getKey)))
            .map(other -> "com.vendstream." + other + "..")
            .toArray(String[]::new);
        return noClasses().that().resideInAPackage("com.vendstream." + service + "..")
            .should().dependOnClassesThat().resideInAnyPackage(others)
            .because("services meet only through topics and the shared modules (schemas, service-kit, providers);"
                + " a service's own library (wallet-ledger: order-service's) is that service's");
    }

    private static ArchRule domainFreeOf(String concern, String... packages) {
        return noClasses().that(DOMAIN).should().dependOnClassesThat().resideInAnyPackage(packages)
            .because(concern + " belongs in the adapters (api, intake, stores, configuration), not in domain logic");
    }

    /** "Cycle detected: Slice a -> Slice b -> Slice a", whatever follows and however it is wrapped. */
    private static String cyclePath(String violation) {
        return CYCLE_DETAILS.matcher(violation).replaceFirst("").replaceAll("\\s+", " ").trim();
    }

    private static boolean isDomain(JavaClass type) {
        String[] packages = type.getPackageName().split("\\.");
        if (packages.length < 4 || !SERVICES.contains(packages[2]) || ADAPTER_PACKAGES.contains(packages[3])) {
            return false;
        }
        // Nested and anonymous classes belong to their top-level class.
        String topLevel = type.getName().replaceFirst("\\$.*", "");
        String simpleName = topLevel.substring(topLevel.lastIndexOf('.') + 1);
        return ADAPTER_SUFFIXES.stream().noneMatch(simpleName::endsWith);
    }
}
