package com.vendstream.poller.vend;

import com.vendstream.providers.AccountVerification;
import com.vendstream.providers.RequeryCommand;
import com.vendstream.providers.ServiceType;
import com.vendstream.providers.VendCommand;
import com.vendstream.providers.VendConnector;
import com.vendstream.providers.VendOutcome;
import com.vendstream.providers.VerifyCommand;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** An airtime connector that only answers requeries, each with {@code answer}, and counts them. */
public final class RequeryOnlyConnector implements VendConnector {

    public final AtomicInteger asked = new AtomicInteger();
    private final String id;
    private final Supplier<VendOutcome> answer;

    public RequeryOnlyConnector(String id, Supplier<VendOutcome> answer) {
        this.id = id;
        this.answer = answer;
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
        throw new UnsupportedOperationException("the poller never vends");
    }

    @Override
    public VendOutcome requery(RequeryCommand command) {
        asked.incrementAndGet();
        return answer.get();
    }

    @Override
    public AccountVerification verify(VerifyCommand command) {
        throw new UnsupportedOperationException();
    }
}
