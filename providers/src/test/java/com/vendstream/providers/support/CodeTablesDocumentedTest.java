package com.vendstream.providers.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.providers.pagamio.PagamioCodes;
import com.vendstream.providers.pawacard.PawacardCodes;
import com.vendstream.providers.pay4power.Pay4PowerCodes;
import com.vendstream.providers.vtpass.VtpassCodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's code tables are the tables the connectors use (CodeTable is the one source). */
class CodeTablesDocumentedTest {

    @Test
    void theReadmeShowsEachTableAsTheCodeHasIt() throws IOException {
        // Regenerate a table with CodeTable.toMarkdown() when a row changes.
        String readme = Files.readString(Path.of("README.md"));
        assertThat(readme).contains(VtpassCodes.TABLE.toMarkdown());
        assertThat(readme).contains(VtpassCodes.TRANSACTION_STATUSES.toMarkdown());
        assertThat(readme).contains(PagamioCodes.TABLE.toMarkdown());
        assertThat(readme).contains(PawacardCodes.TABLE.toMarkdown());
        assertThat(readme).contains(Pay4PowerCodes.VEND.toMarkdown());
        assertThat(readme).contains(Pay4PowerCodes.INITIATE.toMarkdown());
        assertThat(readme).contains(Pay4PowerCodes.REQUERY.toMarkdown());
        assertThat(readme).contains(Pay4PowerCodes.TRANSACTION_STATUSES.toMarkdown());
    }
}
