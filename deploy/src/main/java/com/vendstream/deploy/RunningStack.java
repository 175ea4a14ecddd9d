package com.vendstream.deploy;

import java.util.Map;

/** What the launcher and the demo need of a running stack, whether its services share one JVM or not. */
public interface RunningStack extends AutoCloseable {

    /** Each application's base URL, by name (schema-registry, provider-sandbox, order-service, ...). */
    Map<String, String> urls();

    int port(String name);

    /** Each provider's base URL as the services see it (after environment variables and flags). */
    Map<String, String> providerBaseUrls();

    /** Whether this provider is served by the stack's own sandbox (which has the admin API). */
    boolean onSandbox(String provider);

    @Override
    void close();
}
