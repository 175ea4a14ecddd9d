package com.vendstream.deploy.store;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.bson.BsonRegularExpression;
import de.bwaldvogel.mongo.bson.Document;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * mongo-java-server's H2 database with the two lookups its queries lacked, so that a query reads the
 * documents it may match rather than the whole collection (which it also holds locked meanwhile):
 * <ul>
 *   <li>a query with an {@code _id} equality (or {@code $in}) next to other terms, such as every
 *   compare-and-set {@code {_id: id, state: "SENDING"}}: the library answered only a query on
 *   {@code _id} alone from the {@code _id} index and scanned for anything more; here the {@code _id}
 *   index finds the candidates and the whole query is matched on them;</li>
 *   <li>non-unique indexes, which the library ignored: {@link LeadingFieldIndex}.</li>
 * </ul>
 * Both only choose which documents are read; the library still matches the whole query on each, so
 * answers are exactly what they were.
 *
 * <p>{@link #store()} is the MVStore; it is abstract because the library calls the methods below from
 * its constructor, before a field of this class could be set.
 */
abstract class IndexedH2Database extends H2Database {

    private static final String ID = "_id";

    IndexedH2Database(String databaseName, MVStore mvStore, CursorRegistry cursorRegistry) {
        super(databaseName, mvStore, cursorRegistry);
    }

    protected abstract MVStore store();

    /** Counts every document a query of this database matched against (read), for tests and benchmarks. */
    protected abstract LongAdder examined();

    /**
     * True while the store opens (before it accepts any command). Indexes built then are committed one by
     * one: with auto-commit off, a rebuilt index would otherwise stay as unsaved pages in memory until the
     * first group commit, growing with the data and delaying the first command.
     */
    protected abstract boolean opening();

    @Override
    protected Index<Object> openOrCreateSecondaryIndex(String collectionName, String indexName, List<IndexKey> keys,
                                                       boolean sparse) {
        if (ID.equals(keys.get(0).getKey())) {
            // Such as the outbox relay's partial {_id: 1, outbox.eventId: 1}: the partial filter is not seen
            // here, so an index by _id would hold every document and narrow nothing the _id index does not.
            // The library's own answer keeps no index.
            return super.openOrCreateSecondaryIndex(collectionName, indexName, keys, sparse);
        }
        // Same map name as the library's unique indexes, so dropping the index or the database removes it too.
        MVMap<String, Object> entries = store().openMap(getFullCollectionNamespace(collectionName) + "._index_" + indexName);
        MongoCollection<Object> collection = resolveCollection(collectionName, false);
        boolean live = collection != null
                && collection.getIndexes().stream().anyMatch(i -> i.getName().equals(indexName));
        if (!live) {
            // Opening the store, or a new index: start empty, and the collection adds every document to it.
            entries.clear();
        }
        return new LeadingFieldIndex(entries, indexName, keys, sparse);
    }

    @Override
    protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
        String fullName = getFullCollectionNamespace(collectionName);
        return new IdNarrowingCollection(this, collectionName, options,
                store().openMap("databases." + fullName), store().openMap("meta." + fullName), cursorRegistry);
    }

    /** A collection that finds the candidates of an {@code _id} term by the {@code _id} index. */
    static final class IdNarrowingCollection extends H2Collection {

        IdNarrowingCollection(IndexedH2Database database, String collectionName, CollectionOptions options,
                              MVMap<Object, Document> dataMap, MVMap<String, Object> metaMap,
                              CursorRegistry cursorRegistry) {
            super(database, collectionName, options, dataMap, metaMap, cursorRegistry);
        }

        @Override
        protected QueryResult queryDocuments(Document query, Document orderBy, int numberToSkip, int limit,
                                             int batchSize, Document fieldSelector) {
            if (query != null && query.size() > 1 && query.containsKey(ID) && isPlain(query.get(ID))) {
                Document idTerm = new Document(ID, query.get(ID));
                for (Index<Object> index : getIndexes()) {
                    if (index.isUnique() && index.getKeys().size() == 1 && ID.equals(index.getKeys().get(0).getKey())
                            && index.canHandle(idTerm)) {
                        return matchDocuments(query, index.getPositions(idTerm), orderBy, numberToSkip, limit,
                                batchSize, fieldSelector);
                    }
                }
            }
            return super.queryDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
        }

        /**
         * Builds the index under the collection's lock, as every write holds it: otherwise a document written
         * while the index is filled from the existing ones could be missed by it. Nothing that holds a
         * collection's lock calls a synchronized method of the database, so this cannot deadlock with the
         * database's lock, which is taken first when an index is created.
         */
        @Override
        public synchronized void addIndex(Index<Object> index) {
            super.addIndex(index);
            IndexedH2Database database = (IndexedH2Database) getDatabase();
            if (database.opening()) {
                database.store().commit();
            }
        }

        /**
         * An {@code _id} term the {@code _id} index can look up: a value, or {@code $in} of values. A regular
         * expression would be looked up as a literal key and miss what it matches.
         */
        private static boolean isPlain(Object term) {
            if (term instanceof Document d && d.containsKey("$in")) {
                return d.size() == 1 && d.get("$in") instanceof Collection<?> values
                        && values.stream().noneMatch(IdNarrowingCollection::isPattern);
            }
            return !isPattern(term) && !(term instanceof Document d && d.containsKey("$regex"));
        }

        private static boolean isPattern(Object value) {
            return value instanceof Pattern || value instanceof BsonRegularExpression;
        }

        @Override
        protected boolean documentMatchesQuery(Document document, Document query) {
            LongAdder examined = ((IndexedH2Database) getDatabase()).examined();
            if (examined != null) { // null only while the store opens
                examined.increment();
            }
            return super.documentMatchesQuery(document, query);
        }
    }
}
