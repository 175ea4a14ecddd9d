package com.vendstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The repository's Markdown stands alone: a reader with a clean clone can follow every relative link, and no
 * page points at files that live outside the repository (a sibling {@code ../shared} folder, a developer's
 * machine paths, the architecture and platform briefs the project started from, whose facts now live in
 * {@code docs/}).
 */
class DocsTest {

    /** The repository root, seen from this module's directory (where Maven runs the tests). */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Set<String> SKIPPED_DIRECTORIES = Set.of("target", "node_modules");

    /** [text](target) and ![alt](target), with an optional "title". */
    private static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");
    /** An absolute path on a developer's machine: not part of a URL or of a relative path. */
    private static final Pattern MACHINE_PATH = Pattern.compile("(?<![\\w./:~-])/(work|home|root|tmp)/");
    private static final Pattern SHARED_FOLDER = Pattern.compile("\\.\\./shared\\b");
    private static final Pattern BRIEF_NAMES = Pattern.compile("\\b(ARCHITECTURE|PLATFORM)\\.md\\b");
    /** The research notes and seed files outside the repository, named without a path into docs/. */
    private static final Pattern OUTSIDE_NOTES = Pattern.compile("(?<![\\w/.-])(providers\\.md|seeds/)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");

    @Test
    void everyMarkdownFileLinksOnlyInsideTheRepository() throws IOException {
        assertThat(ROOT.resolve("pom.xml")).as("repository root").exists();
        assertThat(ROOT.resolve("docs")).as("docs folder").isDirectory();
        List<Path> pages = markdownFiles();
        assertThat(pages).as("Markdown files found").hasSizeGreaterThan(5);

        List<String> problems = new ArrayList<>();
        for (Path page : pages) {
            problems.addAll(problemsIn(page));
        }
        assertThat(problems).as("links and mentions outside the repository").isEmpty();
    }

    @Test
    void theCheckCatchesEachKindOfOutsideReference() throws IOException {
        // Inside the repository (the module's target folder, which the walk skips), so links resolve as on a page.
        Files.createDirectories(Path.of("target"));
        Path page = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "docs-test").resolve("README.md");
        Files.writeString(page, String.join("\n",
                "See [the brief](../shared/ARCHITECTURE.md) and [gone](missing.md).",
                "Facts in providers.md 003-B and seeds/004.",
                "Run with `--data-dir /tmp/bench` or /home/dev/x, not https://example.com/home/x.",
                "```",
                "[not a link](nowhere.md)",
                "```",
                "[self](#no-such-heading)",
                "## A heading",
                "[ok](#a-heading) [web](https://example.com/x.md)"));
        try {
            assertThat(problemsIn(page)).hasSize(9)
                    .anyMatch(p -> p.contains("../shared")).anyMatch(p -> p.contains("ARCHITECTURE.md"))
                    .anyMatch(p -> p.contains("missing.md")).anyMatch(p -> p.contains("providers.md"))
                    .anyMatch(p -> p.contains("seeds/")).anyMatch(p -> p.contains("/tmp/"))
                    .anyMatch(p -> p.contains("/home/")).anyMatch(p -> p.contains("#no-such-heading"))
                    .noneMatch(p -> p.contains("nowhere.md")).noneMatch(p -> p.contains("example.com"));
        } finally {
            Files.delete(page);
            Files.delete(page.getParent());
        }
    }

    private static List<Path> markdownFiles() throws IOException {
        List<Path> pages = new ArrayList<>();
        Files.walkFileTree(ROOT, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                boolean skip = !dir.equals(ROOT) && (SKIPPED_DIRECTORIES.contains(name) || name.startsWith("."));
                return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (file.getFileName().toString().endsWith(".md")) {
                    pages.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return pages;
    }

    private static List<String> problemsIn(Path page) throws IOException {
        List<String> problems = new ArrayList<>();
        List<String> lines = Files.readAllLines(page);
        boolean inDocs = page.toAbsolutePath().normalize().startsWith(ROOT.resolve("docs"));
        String where = ROOT.relativize(page.toAbsolutePath().normalize()).toString();
        boolean inCode = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String at = where + ":" + (i + 1) + ": ";
            if (SHARED_FOLDER.matcher(line).find()) {
                problems.add(at + "names ../shared, a folder outside the repository");
            }
            Matcher machine = MACHINE_PATH.matcher(line);
            while (machine.find()) {
                problems.add(at + "absolute machine path /" + machine.group(1) + "/ (use a path relative to the repository)");
            }
            Matcher brief = BRIEF_NAMES.matcher(line);
            while (!inDocs && brief.find()) {
                problems.add(at + "names " + brief.group() + " (link to docs/ instead)");
            }
            Matcher notes = OUTSIDE_NOTES.matcher(line);
            while (!inDocs && notes.find()) {
                problems.add(at + "names " + notes.group() + " outside docs/ (link to docs/providers.md instead)");
            }
            if (line.stripLeading().startsWith("```")) {
                inCode = !inCode;
                continue;
            }
            if (inCode) {
                continue;
            }
            Matcher link = LINK.matcher(line.replaceAll("`[^`]*`", ""));
            while (link.find()) {
                String problem = brokenLink(page, link.group(1));
                if (problem != null) {
                    problems.add(at + problem);
                }
            }
        }
        return problems;
    }

    /** Why a link does not lead anywhere in the repository, or null when it does (or leaves it by URL). */
    private static String brokenLink(Path page, String target) {
        if (SCHEME.matcher(target).find()) {
            return null;
        }
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
        if (file.startsWith("/")) {
            return "link " + target + " is absolute (make it relative to the page)";
        }
        if (!resolved.startsWith(ROOT)) {
            return "link " + target + " leaves the repository";
        }
        if (!Files.exists(resolved)) {
            return "link " + target + " points at a file that does not exist";
        }
        if (anchor != null && !anchor.isEmpty() && resolved.toString().endsWith(".md")
                && !anchors(resolved).contains(anchor)) {
            return "link " + target + " names a heading that " + resolved.getFileName() + " does not have";
        }
        return null;
    }

    /** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as hyphens. */
    private static Set<String> anchors(Path page) {
        try {
            Set<String> anchors = new HashSet<>();
            Map<String, Integer> seen = new HashMap<>();
            boolean inCode = false;
            for (String line : Files.readAllLines(page)) {
                if (line.stripLeading().startsWith("```")) {
                    inCode = !inCode;
                }
                Matcher heading = HEADING.matcher(line);
                if (inCode || !heading.matches()) {
                    continue;
                }
                String slug = heading.group(1).toLowerCase(Locale.ROOT)
                        .replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1")
                        .replaceAll("[^\\p{L}\\p{N} _-]", "")
                        .replace(' ', '-');
                int n = seen.merge(slug, 1, Integer::sum);
                anchors.add(n == 1 ? slug : slug + "-" + (n - 1));
            }
            return anchors;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
