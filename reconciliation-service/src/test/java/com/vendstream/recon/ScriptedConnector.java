package com.vendstream.recon;

import com.vendstream.providers.AccountVerification;
import com.vendstream.providers.RequeryCommand;
import com.vendstream.providers.ServiceType;
import com.vendstream.providers.VendCommand;
import com.vendstream.providers.VendConnector;
import com.vendstream.providers.VendOutcome;
import com.vendstream.providers.VerifyCommand;
import com.vendstream.providers.support.ProviderHttp;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;

/**
 * A requery-only connector whose answers a test scripts per reference. Transport trouble is turned
 * into an outcome by {@link ProviderHttp#classify}, exactly as the real connectors do when their
 * HTTP call fails, so a test sees what reconciliation would see from VTpass on a bad day.
 */
public final class ScriptedConnector implements VendConnector {

    private final String id;
    private final Map<String, Supplier<VendOutcome>> answers = new ConcurrentHashMap<>();
    public final List<RequeryCommand> asked = java.util.Collections.synchronizedList(new ArrayList<>());

    public ScriptedConnector(String id) {
        this.id = id;
    }

    public ScriptedConnector answer(String reference, Supplier<VendOutcome> answer) {
        answers.put(reference, answer);
        return this;
    }

    public ScriptedConnector answer(String reference, VendOutcome answer) {
        return answer(reference, () -> answer);
    }

    /** HTTP 429 Too Many Requests. */
    public static VendOutcome throttled() {
        return ProviderHttp.classify(HttpClientErrorException.create(HttpStatus.TOO_MANY_REQUESTS, "Too Many Requests",
                HttpHeaders.EMPTY, new byte[0], StandardCharsets.UTF_8));
    }

    /** The provider's host refused the connection. */
    public static VendOutcome refused() {
        return ProviderHttp.classify(new ResourceAccessException("I/O error", new ConnectException("Connection refused")));
    }

    /** No reply within the read timeout. */
    public static VendOutcome timedOut() {
        return ProviderHttp.classify(new ResourceAccessException("I/O error", new HttpTimeoutException("timed out")));
    }

    public static VendOutcome reset() {
        return ProviderHttp.classify(new ResourceAccessException("I/O error", new IOException("Connection reset")));
    }

    public static VendOutcome serverError() {
        return ProviderHttp.classify(HttpServerErrorException.create(HttpStatus.SERVICE_UNAVAILABLE, "Unavailable",
                HttpHeaders.EMPTY, new byte[0], StandardCharsets.UTF_8));
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Set<ServiceType> services() {
        return Set.of(ServiceType.AIRTIME);
    }

    @Override
    public String newReference() {
        return "r";
    }

    @Override
    public VendOutcome vend(VendCommand command) {
        throw new UnsupportedOperationException("reconciliation never vends");
    }

    @Override
    public VendOutcome requery(RequeryCommand command) {
        asked.add(command);
        Supplier<VendOutcome> answer = answers.get(command.reference());
        if (answer == null) {
            throw new IllegalStateException("connection reset");
        }
        return answer.get();
    }

    @Override
    public AccountVerification verify(VerifyCommand command) {
        throw new UnsupportedOperationException();
    }
}
