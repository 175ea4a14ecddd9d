package com.vendstream.deploy.campaign;

import com.vendstream.deploy.MongoStore;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The file-backed store as its own process, until the store's own process main is on main:
 * {@code StoreMain <dataDir> <port>} prints {@code READY <uri>} once it listens.
 */
public final class StoreMain {

    private StoreMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        MongoStore store = MongoStore.start(Path.of(args[0]), Integer.parseInt(args[1]));
        Runtime.getRuntime().addShutdownHook(new Thread(store::close));
        System.out.println("READY " + store.uri());
        new CountDownLatch(1).await();
    }
}
