package io.tern.raft.types;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A cluster configuration: its members ordered by id. Immutable; its binary form is what a
 * CONFIG log entry carries and what snapshots and the hard state record.
 */
public record Membership(List<Member> members) {

    public static final Membership EMPTY = new Membership(List.of());

    public Membership {
        List<Member> sorted = new ArrayList<>(members);
        sorted.sort(Comparator.comparingLong(Member::id));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).id() == sorted.get(i - 1).id()) {
                throw new IllegalArgumentException("member id " + sorted.get(i).id() + " appears twice");
            }
        }
        members = List.copyOf(sorted);
    }

    public Optional<Member> member(long id) {
        return members.stream().filter(m -> m.id() == id).findFirst();
    }

    public boolean contains(long id) {
        return member(id).isPresent();
    }

    public List<Long> voterIds() {
        return members.stream().filter(Member::voter).map(Member::id).toList();
    }

    public Membership with(Member member) {
        List<Member> next = new ArrayList<>(members.stream().filter(m -> m.id() != member.id()).toList());
        next.add(member);
        return new Membership(next);
    }

    public Membership without(long id) {
        return new Membership(members.stream().filter(m -> m.id() != id).toList());
    }

    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(members.size());
            for (Member m : members) {
                out.writeLong(m.id());
                byte[] address = m.address().getBytes(StandardCharsets.UTF_8);
                out.writeInt(address.length);
                out.write(address);
                out.writeBoolean(m.voter());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static Membership decode(byte[] encoded) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
            int count = in.readInt();
            if (count < 0 || count > encoded.length) {
                throw new IllegalArgumentException("bad membership: " + count + " members");
            }
            List<Member> members = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                long id = in.readLong();
                int length = in.readInt();
                if (length < 0 || length > in.available()) {
                    throw new IllegalArgumentException("bad membership: address of " + length + " bytes");
                }
                String address = new String(in.readNBytes(length), StandardCharsets.UTF_8);
                members.add(new Member(id, address, in.readBoolean()));
            }
            return new Membership(members);
        } catch (IOException e) {
            throw new IllegalArgumentException("bad membership encoding", e);
        }
    }
}
