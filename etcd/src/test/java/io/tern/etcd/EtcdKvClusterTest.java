package io.tern.etcd;

import static io.tern.etcd.EtcdKvTest.b;
import static io.tern.etcd.EtcdKvTest.done;
import static io.tern.etcd.EtcdKvTest.only;
import static io.tern.etcd.EtcdKvTest.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.PutResponse;
import io.etcd.jetcd.options.GetOption;
import io.tern.server.TernServer;
import io.tern.verify.cluster.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** etcd's KV service on three members: any member's etcd address serves writes and linearizable reads. */
@Timeout(120)
class EtcdKvClusterTest {

    @TempDir
    Path data;

    @Test
    void aPutThroughAFollowerIsReadLinearizablyThroughAnother() throws Exception {
        try (EtcdMembers members = EtcdMembers.start(3, data)) {
            List<TernServer> followers = members.followers();
            TernServer writer = followers.get(0);
            TernServer reader = followers.get(1);
            KV writes = members.jetcd(writer).getKVClient();
            KV reads = members.jetcd(reader).getKVClient();

            PutResponse put = done(writes.put(b("cluster/k"), b("v1")));
            assertEquals(writer.config().id(), put.getHeader().getMemberId());
            // Linearizable: the reading follower has not necessarily applied the put yet, and its
            // answer must show it all the same.
            GetResponse got = done(reads.get(b("cluster/k")));
            assertEquals("v1", s(only(got).getValue()));
            assertEquals(put.getHeader().getRevision(), only(got).getModRevision());
            assertEquals(reader.config().id(), got.getHeader().getMemberId());
            assertTrue(got.getHeader().getRevision() >= put.getHeader().getRevision());
            assertEquals(put.getHeader().getClusterId(), got.getHeader().getClusterId());
            assertNotEquals(0, got.getHeader().getClusterId());
            assertEquals(put.getHeader().getRaftTerm(), got.getHeader().getRaftTerm());

            // A serializable read answers from the member's own state: once it has applied the put, it sees it.
            Await.until("the reading follower to apply the put", Duration.ofSeconds(10),
                    () -> reader.engine().appliedIndex() >= put.getHeader().getRevision());
            GetResponse local = done(reads.get(b("cluster/k"), GetOption.builder().withSerializable(true).build()));
            assertEquals("v1", s(only(local).getValue()));

            GetResponse atLeader = done(members.jetcd(members.leader()).getKVClient().get(b("cluster/k")));
            assertEquals(members.leader().config().id(), atLeader.getHeader().getMemberId());
            assertEquals(put.getHeader().getClusterId(), atLeader.getHeader().getClusterId());
        }
    }
}
