package com.vendstream.deploy.store;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.Utils;
import de.bwaldvogel.mongo.bson.Document;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;

/**
 * What the store keeps for a non-unique index ({@code {state: 1, updatedAt: 1}}): which documents
 * have which string value in the index's FIRST field. mongo-java-server itself ignores non-unique
 * indexes, so a query such as the sweeps' {@code {state: "SENDING", leaseUntil: {$lt: t}}} read and
 * matched every document of the collection; with this index it reads only the documents in that
 * state and matches the whole query on them.
 *
 * <p>It only ever narrows: the documents it returns for a query are a superset of those the query
 * matches (every document whose first field equals one of the queried strings, plus every document
 * whose first field is an array, which a string query may match by an element), and the collection
 * still matches the full query on each. Documents with any other value there (missing, null, a
 * number...) cannot match a string and are not returned. It answers only a top-level string equality
 * or {@code $in} of strings on that field; every other query is left to the full scan as before.
 *
 * <p>Entries live in an MVStore map of the same store, so they are committed and synced with the
 * documents they describe, in the same commit. They are derived data all the same: the map is rebuilt
 * from the documents whenever the store opens ({@link IndexedH2Database}), so it can never disagree with
 * them whatever wrote the file before.
 */
final class LeadingFieldIndex extends Index<Object> {

    private static final String ID = "_id";
    /** Bucket of documents whose first field is an array: a string query may match any of them. */
    private static final String ARRAY = "A";
    /** Bucket of documents whose first field is neither a string nor an array: no string query matches them. */
    private static final String OTHER = "O";

    private final MVMap<String, Object> entries;
    private final String field;
    private final boolean requestedSparse;

    LeadingFieldIndex(MVMap<String, Object> entries, String name, List<IndexKey> keys, boolean sparse) {
        super(name, keys, sparse);
        this.entries = entries;
        this.field = keys.get(0).getKey();
        this.requestedSparse = sparse;
    }

    private String bucket(Document document) {
        Object value = Utils.getSubdocumentValueCollectionAware(document, field);
        if (value instanceof String s) {
            return "S" + s;
        }
        return value instanceof Collection<?> ? ARRAY : OTHER;
    }

    /**
     * One entry per document: its bucket, then its _id (typed, so that "1" and 1 stay apart). The bucket is
     * prefixed by its length, so no string value or id, whatever characters it holds, can make one entry's
     * key equal another's or fall under another bucket's prefix.
     */
    private static String entry(String bucket, Object id) {
        return prefix(bucket) + position(id);
    }

    private static String prefix(String bucket) {
        return bucket.length() + ":" + bucket;
    }

    /** The same for equal ids, whatever instance carries them (a byte[] has no value-based toString). */
    private static String position(Object id) {
        if (id instanceof String s) {
            return "s" + s;
        }
        if (id instanceof byte[] bytes) {
            return "b" + HexFormat.of().formatHex(bytes);
        }
        return id == null ? "null" : id.getClass().getName() + ":" + id;
    }

    @Override
    public Object getPosition(Document document) {
        // Positions are the _id index's to give; this index never identifies a single document.
        return null;
    }

    @Override
    public void checkAdd(Document document, MongoCollection<Object> collection) {
        // Not unique: nothing to refuse.
    }

    @Override
    public void add(Document document, Object position, MongoCollection<Object> collection) {
        if (position != null) {
            entries.put(entry(bucket(document), document.get(ID)), position);
        }
    }

    @Override
    public Object remove(Document document) {
        // null when the entry is missing: the collection then refuses the removal (for a non-sparse index)
        // rather than leaving an index that disagrees with the documents unnoticed
        return entries.remove(entry(bucket(document), document.get(ID)));
    }

    @Override
    public void checkUpdate(Document oldDocument, Document newDocument, MongoCollection<Object> collection) {
        // Not unique: nothing to refuse.
    }

    @Override
    public void updateInPlace(Document oldDocument, Document newDocument, Object position,
                              MongoCollection<Object> collection) {
        String before = bucket(oldDocument);
        String after = bucket(newDocument);
        if (!before.equals(after)) {
            entries.remove(entry(before, oldDocument.get(ID)));
            entries.put(entry(after, newDocument.get(ID)), position);
        }
    }

    @Override
    public boolean canHandle(Document query) {
        return queriedStrings(query) != null;
    }

    /** The strings a query asks the first field to equal, or null when it asks anything else of it. */
    private List<String> queriedStrings(Document query) {
        Object term = query.get(field);
        if (term instanceof String s) {
            return List.of(s);
        }
        if (term instanceof Document d && d.size() == 1 && d.get("$in") instanceof Collection<?> values
                && !values.isEmpty() && values.stream().allMatch(String.class::isInstance)) {
            return values.stream().map(String.class::cast).distinct().toList();
        }
        return null;
    }

    @Override
    public Iterable<Object> getPositions(Document query) {
        List<Object> positions = new ArrayList<>();
        for (String value : queriedStrings(query)) {
            collect("S" + value, positions);
        }
        collect(ARRAY, positions);
        return positions;
    }

    private void collect(String bucket, List<Object> positions) {
        String prefix = prefix(bucket);
        Cursor<String, Object> cursor = entries.cursor(prefix);
        while (cursor.hasNext()) {
            String key = cursor.next();
            if (!key.startsWith(prefix)) {
                return;
            }
            positions.add(cursor.getValue());
        }
    }

    @Override
    public long getCount() {
        return entries.sizeAsLong();
    }

    @Override
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    @Override
    public long getDataSize() {
        return getCount();
    }

    @Override
    public boolean hasSameOptions(Index<?> other) {
        return other instanceof LeadingFieldIndex o ? requestedSparse == o.requestedSparse : super.hasSameOptions(other);
    }

    @Override
    public void drop() {
        entries.clear();
    }

    /** For tests: the entries by bucket. */
    Map<String, Object> entries() {
        return entries;
    }
}
