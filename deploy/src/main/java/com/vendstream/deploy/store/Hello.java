package com.vendstream.deploy.store;

import de.bwaldvogel.mongo.bson.Document;
import java.util.function.Supplier;

/**
 * mongo-java-server answers the legacy {@code isMaster} but not {@code hello}, which Spring Boot's
 * MongoDB health indicator sends (after {@code listDatabases}): every service's /actuator/health was
 * DOWN while the store was fine. The store's backends answer {@code hello} as a standalone primary.
 */
public final class Hello {

    private Hello() {
    }

    /**
     * The reply to {@code hello}, which is {@code isMaster} under its current name (the primary flag
     * named {@code isWritablePrimary}); null for any other command.
     */
    public static Document answer(String command, Supplier<Document> isMaster) {
        if (!"hello".equalsIgnoreCase(command)) {
            return null;
        }
        Document reply = isMaster.get();
        Object primary = reply.remove("ismaster");
        reply.put("isWritablePrimary", primary == null ? Boolean.TRUE : primary);
        return reply;
    }
}
