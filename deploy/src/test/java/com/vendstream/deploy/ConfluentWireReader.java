package com.vendstream.deploy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads Confluent-framed Avro the way any Confluent-compatible consumer would, independently of
 * vendstream's serde: magic byte 0, a big-endian schema id, then Avro binary written with the
 * schema the registry returns for that id.
 */
final class ConfluentWireReader {

    private final String registryUrl;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<Integer, Schema> schemas = new ConcurrentHashMap<>();

    ConfluentWireReader(String registryUrl) {
        this.registryUrl = registryUrl;
    }

    GenericRecord read(byte[] bytes) throws Exception {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        byte magic = buffer.get();
        if (magic != 0) {
            throw new IllegalArgumentException("not Confluent framing: magic byte " + magic);
        }
        int id = buffer.getInt();
        Schema schema = schemas.computeIfAbsent(id, this::fetch);
        GenericDatumReader<GenericRecord> reader = new GenericDatumReader<>(schema);
        return reader.read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
    }

    private Schema fetch(int id) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(registryUrl + "/schemas/ids/" + id))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("registry answered " + response.statusCode() + " for id " + id);
            }
            String schema = JsonMapper.builder().build().readTree(response.body()).path("schema").asString();
            return new Schema.Parser().parse(schema);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
