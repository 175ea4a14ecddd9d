package com.vendstream.testkit;

import com.vendstream.providers.AccountVerification;
import com.vendstream.providers.DayReports;
import com.vendstream.providers.RequeryCommand;
import com.vendstream.providers.ServiceType;
import com.vendstream.providers.TransactionReport;
import com.vendstream.providers.VendCommand;
import com.vendstream.providers.VendConnector;
import com.vendstream.providers.VendOutcome;
import com.vendstream.providers.VerifyCommand;
import com.vendstream.providers.support.ProviderHttp;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;

/**
 * A provider double (a provider's API, never one of our services): it answers vends and requeries as the
 * test scripts them, call by call, and records every call. A call nothing was scripted for fails: a vend or
 * an account lookup throws {@link UnsupportedOperationException}, a requery throws as a reset connection
 * would. Transport trouble ({@link #throttled()}, {@link #refused()}, ...) becomes an outcome through
 * {@link ProviderHttp#classify}, exactly as the real connectors turn a failed HTTP call into one.
 * {@link DayReporting} also lists whole days ({@link DayReports}), as Pagamio does.
 */
public class ScriptedConnector implements VendConnector {

    /** The answer to a call: {@code call} counts the calls about the command's reference so far (1-based). */
    @FunctionalInterface
    public interface Script<C> {
        VendOutcome answer(C command, int call);
    }

    private final String id;
    private volatile Script<VendCommand> vend;
    private volatile Script<RequeryCommand> requery;
    private final Map<String, Supplier<VendOutcome>> requeryAnswers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> vendCalls = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requeryCalls = new ConcurrentHashMap<>();
    /** Every vend asked of it, in the order they came. */
    public final List<VendCommand> vended = new CopyOnWriteArrayList<>();
    /** Every requery asked of it, in the order they came. */
    public final List<RequeryCommand> asked = new CopyOnWriteArrayList<>();

    public ScriptedConnector(String id) {
        this.id = id;
    }

    /** How it answers every vend. */
    public ScriptedConnector onVend(Script<VendCommand> script) {
        this.vend = script;
        return this;
    }

    /** How it answers a requery of a reference with no answer of its own ({@link #answer}). */
    public ScriptedConnector onRequery(Script<RequeryCommand> script) {
        this.requery = script;
        return this;
    }

    /** How it answers every requery of {@code reference}. */
    public ScriptedConnector answer(String reference, Supplier<VendOutcome> answer) {
        requeryAnswers.put(reference, answer);
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

    /** The connection was reset mid-call. */
    public static VendOutcome reset() {
        return ProviderHttp.classify(new ResourceAccessException("I/O error", new IOException("Connection reset")));
    }

    /** HTTP 503 Service Unavailable. */
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
        return Set.of(ServiceType.values());
    }

    @Override
    public String newReference() {
        return id + "-" + UUID.randomUUID();
    }

    @Override
    public VendOutcome vend(VendCommand command) {
        vended.add(command);
        int call = vendCalls.computeIfAbsent(command.reference(), r -> new AtomicInteger()).incrementAndGet();
        Script<VendCommand> script = vend;
        if (script == null) {
            throw new UnsupportedOperationException(id + " was not scripted to vend");
        }
        return script.answer(command, call);
    }

    @Override
    public VendOutcome requery(RequeryCommand command) {
        asked.add(command);
        int call = requeryCalls.computeIfAbsent(command.reference(), r -> new AtomicInteger()).incrementAndGet();
        Supplier<VendOutcome> answer = requeryAnswers.get(command.reference());
        if (answer != null) {
            return answer.get();
        }
        Script<RequeryCommand> script = requery;
        if (script == null) {
            throw new IllegalStateException("connection reset");
        }
        return script.answer(command, call);
    }

    @Override
    public AccountVerification verify(VerifyCommand command) {
        throw new UnsupportedOperationException(id + " was not scripted to verify accounts");
    }

    /** A scripted connector that also lists whole days, as the test scripts them, and records the days asked. */
    public static final class DayReporting extends ScriptedConnector implements DayReports {

        private volatile Function<LocalDate, List<TransactionReport>> report = day -> List.of();
        /** Every day it was asked to list, in order. */
        public final List<LocalDate> days = new CopyOnWriteArrayList<>();

        public DayReporting(String id) {
            super(id);
        }

        /** How it lists a day (throwing: the report could not be fetched); by default, nothing that day. */
        public DayReporting onDay(Function<LocalDate, List<TransactionReport>> report) {
            this.report = report;
            return this;
        }

        @Override
        public List<TransactionReport> transactions(LocalDate day) {
            days.add(day);
            return report.apply(day);
        }
    }
}
