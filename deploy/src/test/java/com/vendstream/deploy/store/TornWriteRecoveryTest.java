package com.vendstream.deploy.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.vendstream.deploy.MongoStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A process killed while the store writes its file leaves the last write cut short: the file holds
 * the state of the previous sync plus the first blocks of the new chunk. Reopened, the store must give
 * back exactly the previous state (the chunk's footer is missing, so MVStore ignores it), and once the
 * whole chunk is there, exactly the new one. The images are taken from a real store between two
 * acknowledged writes, and every cut point of the chunk between them is tried.
 */
class TornWriteRecoveryTest {

    private static final int BLOCK = 4096;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void aWriteCutShortReopensAtThePreviousStateAndACompleteOneAtTheNew(@TempDir Path dir) throws IOException {
        Path live = dir.resolve("live");
        Path file = live.resolve("mongo").resolve("vendstream.mv");
        byte[] before;
        byte[] after;
        List<Document> stateBefore;
        List<Document> stateAfter;
        try (MongoStore store = MongoStore.start(live, 0); MongoClient client = MongoClients.create(store.uri())) {
            MongoCollection<Document> orders = client.getDatabase("vendstream").getCollection("orders");
            for (int i = 0; i < 50; i++) {
                Mono.from(orders.insertOne(new Document("_id", "o" + i).append("amountMinor", 100L * i))).block(TIMEOUT);
            }
            // the store writes nothing between commands (no background commit), so the file is the synced state
            before = Files.readAllBytes(file);
            stateBefore = all(orders);
            // one acknowledged write, one chunk; a large document spreads it over several blocks
            Mono.from(orders.insertOne(new Document("_id", "big").append("note", "x".repeat(6 * BLOCK)))).block(TIMEOUT);
            after = Files.readAllBytes(file);
            stateAfter = all(orders);
        }
        assertThat(stateAfter).hasSize(stateBefore.size() + 1);

        List<Integer> headerBlocks = new ArrayList<>();
        List<Integer> chunkBlocks = new ArrayList<>();
        for (int block = 0; block * BLOCK < after.length; block++) {
            if (!sameBlock(before, after, block)) {
                (block < 2 ? headerBlocks : chunkBlocks).add(block);
            }
        }
        assertThat(chunkBlocks).as("the new chunk spans several blocks").hasSizeGreaterThan(2);

        for (int k = 0; k < chunkBlocks.size(); k++) {
            byte[] torn = apply(before, after, chunkBlocks.subList(0, k));
            assertThat(reopen(dir, "cut-" + k, torn)).as("chunk cut after %d of %d blocks", k, chunkBlocks.size())
                    .isEqualTo(stateBefore);
            if (!headerBlocks.isEmpty()) {
                List<Integer> withHeader = new ArrayList<>(headerBlocks);
                withHeader.addAll(chunkBlocks.subList(0, k));
                assertThat(reopen(dir, "header-cut-" + k, apply(before, after, withHeader)))
                        .as("store header new, chunk cut after %d of %d blocks", k, chunkBlocks.size())
                        .isEqualTo(stateBefore);
            }
        }
        assertThat(reopen(dir, "whole-chunk", apply(before, after, chunkBlocks)))
                .as("the whole chunk, store header not yet rewritten").isEqualTo(stateAfter);
        assertThat(reopen(dir, "whole", after)).isEqualTo(stateAfter);
    }

    private static List<Document> all(MongoCollection<Document> orders) {
        return Flux.from(orders.find().sort(new Document("_id", 1))).collectList().block(TIMEOUT);
    }

    private static List<Document> reopen(Path dir, String name, byte[] image) throws IOException {
        Path data = dir.resolve(name);
        Files.write(Files.createDirectories(data.resolve("mongo")).resolve("vendstream.mv"), image);
        try (MongoStore store = MongoStore.start(data, 0); MongoClient client = MongoClients.create(store.uri())) {
            return all(client.getDatabase("vendstream").getCollection("orders"));
        }
    }

    /** The file as it was before, with the given blocks of the later file written over it. */
    private static byte[] apply(byte[] before, byte[] after, List<Integer> blocks) {
        int length = before.length;
        for (int block : blocks) {
            length = Math.max(length, Math.min(after.length, (block + 1) * BLOCK));
        }
        byte[] image = Arrays.copyOf(before, length);
        for (int block : blocks) {
            int from = block * BLOCK;
            System.arraycopy(after, from, image, from, Math.min(BLOCK, after.length - from));
        }
        return image;
    }

    private static boolean sameBlock(byte[] a, byte[] b, int block) {
        int from = block * BLOCK;
        if (from + BLOCK > a.length) {
            return false;
        }
        return Arrays.equals(a, from, from + BLOCK, b, from, Math.min(from + BLOCK, b.length));
    }
}
