package com.vendstream.recon.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FinanceUsersTest {

    static final FinanceUsers USERS = new FinanceUsers(List.of(
            new FinanceUsers.Entry("ada", FinanceUsers.sha256("ada-token"), Set.of(FinanceRole.FINANCE)),
            new FinanceUsers.Entry("audit", FinanceUsers.sha256("audit-token").toUpperCase(),
                    Set.of(FinanceRole.READ_ONLY)),
            new FinanceUsers.Entry("ops-service", FinanceUsers.sha256("ops-token"), Set.of(FinanceRole.FINANCE),
                    true)));

    @Test
    void aTokenFindsItsUserAndRoles() {
        FinanceUser ada = USERS.authenticate("ada-token").orElseThrow();
        assertThat(ada.name()).isEqualTo("ada");
        assertThat(ada.mayRead()).isTrue();
        assertThat(ada.mayAct()).isTrue();
        FinanceUser audit = USERS.authenticate("audit-token").orElseThrow();
        assertThat(audit.mayRead()).isTrue();
        assertThat(audit.mayAct()).isFalse();
        // Only the credential configured for it may name the user it acts for.
        assertThat(ada.actsForOthers()).isFalse();
        assertThat(audit.actsForOthers()).isFalse();
        assertThat(USERS.authenticate("ops-token").orElseThrow().actsForOthers()).isTrue();
    }

    @Test
    void anythingElseFindsNobody() {
        assertThat(USERS.authenticate(null)).isEmpty();
        assertThat(USERS.authenticate("")).isEmpty();
        assertThat(USERS.authenticate("ada-token ")).isEmpty();
        assertThat(USERS.authenticate(FinanceUsers.sha256("ada-token"))).isEmpty();
        // order-service's demo merchant API key
        assertThat(USERS.authenticate("demo-merchant-key")).isEmpty();
        assertThat(new FinanceUsers(List.of()).authenticate("ada-token")).isEmpty();
    }

    @Test
    void aBrokenConfigurationStopsTheStart() {
        String hash = FinanceUsers.sha256("t");
        assertThatThrownBy(() -> new FinanceUsers(List.of(new FinanceUsers.Entry("x", "not-a-hash",
                Set.of(FinanceRole.FINANCE))))).hasMessageContaining("64 hex digits");
        assertThatThrownBy(() -> new FinanceUsers(List.of(new FinanceUsers.Entry("x", hash, Set.of()))))
                .hasMessageContaining("no role");
        assertThatThrownBy(() -> new FinanceUsers(List.of(new FinanceUsers.Entry(" ", hash,
                Set.of(FinanceRole.FINANCE))))).hasMessageContaining("name");
        assertThatThrownBy(() -> new FinanceUsers(List.of(
                new FinanceUsers.Entry("x", hash, Set.of(FinanceRole.FINANCE)),
                new FinanceUsers.Entry("y", hash, Set.of(FinanceRole.READ_ONLY))))).hasMessageContaining("shares");
        assertThatThrownBy(() -> new FinanceUsers(List.of(new FinanceUsers.Entry("x", hash,
                Set.of(FinanceRole.READ_ONLY), true)))).hasMessageContaining("FINANCE");
    }
}
