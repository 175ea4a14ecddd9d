package com.vendstream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vendstream.events.OrderPlaced;
import com.vendstream.events.VendRequested;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SchemaRegistryClientTest {

    private FakeRegistry registry;
    private SchemaRegistryClient client;

    @BeforeEach
    void start() throws Exception {
        registry = new FakeRegistry();
        client = new SchemaRegistryClient(registry.url());
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    @Test
    void registerIsCachedAndSpeaksTheRegistryContentType() {
        int id = client.register("vendstream.checkout.orders-com.vendstream.events.OrderPlaced",
                OrderPlaced.getClassSchema());
        assertThat(client.register("vendstream.checkout.orders-com.vendstream.events.OrderPlaced",
                OrderPlaced.getClassSchema())).isEqualTo(id);
        assertThat(registry.requests).containsExactly(
                "POST /subjects/vendstream.checkout.orders-com.vendstream.events.OrderPlaced/versions");
        assertThat(registry.contentTypes).containsOnly("application/vnd.schemaregistry.v1+json");
        // Known from registration, so no round trip.
        assertThat(client.getById(id)).isEqualTo(OrderPlaced.getClassSchema());
        assertThat(registry.requests).hasSize(1);
    }

    @Test
    void schemaByIdIsFetchedOnceThenCached() {
        int id = registry.register("s", VendRequested.getClassSchema());
        assertThat(client.getById(id)).isEqualTo(VendRequested.getClassSchema());
        assertThat(client.getById(id)).isEqualTo(VendRequested.getClassSchema());
        assertThat(registry.requests).containsExactly("GET /schemas/ids/" + id);
    }

    @Test
    void lookupAndLatest() {
        Schema v1 = record(false);
        Schema v2 = record(true);
        registry.register("thing", v1);
        int id2 = registry.register("thing", v2);
        SchemaMetadata found = client.lookup("thing", v1);
        assertThat(found.version()).isEqualTo(1);
        assertThat(client.getId("thing", v2)).isEqualTo(id2);
        SchemaMetadata latest = client.getLatestSchemaMetadata("thing");
        assertThat(latest.version()).isEqualTo(2);
        assertThat(latest.id()).isEqualTo(id2);
        assertThat(latest.parsed()).isEqualTo(v2);
        assertThat(client.getSchemaMetadata("thing", 1).parsed()).isEqualTo(v1);
    }

    @Test
    void errorsCarryTheRegistryErrorCode() {
        assertThatThrownBy(() -> client.getById(999)).isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(40403);
            assertThat(e.httpStatus()).isEqualTo(404);
            assertThat(e.getMessage()).contains("Schema 999 not found");
        });
        assertThatThrownBy(() -> client.lookup("nobody", record(false)))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40401));
        assertThatThrownBy(() -> client.getSchemaMetadata("nobody", 1))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40401));
    }

    @Test
    void incompatibleRegistrationIsRejectedWith409() {
        client.register("thing", record(false));
        Schema breaking = SchemaBuilder.record("Thing").namespace("t").fields()
                .requiredString("name").requiredLong("mandatory").endRecord();
        assertThat(client.testCompatibility("thing", breaking)).isFalse();
        assertThat(client.testCompatibility("thing", record(true))).isTrue();
        assertThatThrownBy(() -> client.register("thing", breaking))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(409);
                    assertThat(e.getMessage()).contains("incompatible");
                });
    }

    @Test
    void failsOverToTheNextUrlWhenOneIsUnreachable() throws Exception {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        SchemaRegistryClient failover = new SchemaRegistryClient(
                List.of("http://127.0.0.1:" + deadPort, registry.url()), Duration.ofSeconds(1), Duration.ofSeconds(5));
        int id = registry.register("s", VendRequested.getClassSchema());
        assertThat(failover.getById(id)).isEqualTo(VendRequested.getClassSchema());

        SchemaRegistryClient nowhere = new SchemaRegistryClient(List.of("http://127.0.0.1:" + deadPort),
                Duration.ofSeconds(1), Duration.ofSeconds(5));
        assertThatThrownBy(() -> nowhere.getById(1)).isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(-1);
            assertThat(e.getMessage()).contains("no schema registry reachable");
        });
    }

    @Test
    void subjectsWithReservedCharactersAreEncoded() {
        client.register("odd subject/name", record(false));
        assertThat(registry.requests).containsExactly("POST /subjects/odd%20subject%2Fname/versions");
        assertThat(client.getLatestSchemaMetadata("odd subject/name").subject()).isEqualTo("odd subject/name");
    }

    static Schema record(boolean withOptionalField) {
        SchemaBuilder.FieldAssembler<Schema> fields = SchemaBuilder.record("Thing").namespace("t").fields()
                .requiredString("name");
        if (withOptionalField) {
            fields = fields.name("note").type().stringType().stringDefault("none");
        }
        return fields.endRecord();
    }
}
