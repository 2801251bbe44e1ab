// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
// The install's verification as a calculation: which Pis count, and when a stack is ok, warning, ko
// or empty. No daemon, no timers: a snapshot of rackd's state in, checks and verdicts out.
#include "install/installverifier.h"
#include "structure/structurereader.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;

namespace {

// Stack 1: three slots (10.42.0.11-13); stack 2: two slots (10.42.0.21-22 by the default pattern).
RackStructure rack()
{
    return *StructureReader::parse("[rack]\npi_stack = 3\nrows = 1\ncols = 2\nrelay_backend = simulated\n"
                                   "[1]\nx=1\ny=1\n[2]\nx=1\ny=2\npis = 2\n",
        u"r.ini"_s)
                .structure;
}

QString mac(int stack, int slot)
{
    return u"dc:a6:32:00:%1:%2"_s.arg(stack, 2, 10, QChar(u'0')).arg(slot, 2, 10, QChar(u'0'));
}

QString addressOf(const RackStructure &structure, int stack, int slot)
{
    for (const RackSlot &rackSlot : structure.slots()) {
        if (rackSlot.stackId == stack && rackSlot.slot == slot)
            return rackSlot.address.toString();
    }
    return {};
}

InstallMac foundIn(const QString &mac, int slot)
{
    InstallMac found;
    found.mac = mac;
    found.slot = slot;
    return found;
}

InstallStack discovered(
    int id, int slots, int found, InstallStack::Status status = InstallStack::Status::Found)
{
    InstallStack stack;
    stack.id = id;
    for (int slot = 1; slot <= slots; ++slot)
        stack.slots.append(slot);
    for (int slot = 1; slot <= found; ++slot)
        stack.macs.append(foundIn(mac(id, slot), slot));
    stack.status = status;
    return stack;
}

// The agent of this Pi is up since power-on and connects from `address`.
void agentUp(InstallVerifier::Snapshot *snapshot, const QString &mac, const QString &address)
{
    snapshot->agents.insert(mac, {true, QHostAddress(address)});
}

} // namespace

class TestInstallVerifier : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyPiBackIsOk()
    {
        const RackStructure structure = rack();
        InstallVerifier::Snapshot snapshot;
        for (int slot = 1; slot <= 3; ++slot)
            agentUp(&snapshot, mac(1, slot), addressOf(structure, 1, slot));
        const auto result = InstallVerifier::verify(structure, {discovered(1, 3, 3)}, snapshot);
        QVERIFY(result.allOk);
        QCOMPARE(result.verdicts.value(1), u"ok"_s);
        QCOMPARE(result.checks.size(), 3);
        QCOMPARE(result.checks.at(1).mac, mac(1, 2));
        QCOMPARE(result.checks.at(1).seenAddress, addressOf(structure, 1, 2));
    }

    void agentsAndAddressesDecideTheVerdict()
    {
        const RackStructure structure = rack();
        InstallVerifier::Snapshot snapshot;
        agentUp(&snapshot, mac(1, 1), addressOf(structure, 1, 1));
        // Up, but on another address than its fixed one, and no lease on it either.
        agentUp(&snapshot, mac(1, 2), u"10.42.0.200"_s);
        snapshot.leases.insert(mac(1, 2), QHostAddress(u"10.42.0.200"_s));
        // Its agent connected before the rack was switched on: a connection from the discovery boot.
        snapshot.agents.insert(mac(1, 3), {false, QHostAddress(addressOf(structure, 1, 3))});
        const auto result = InstallVerifier::verify(structure, {discovered(1, 3, 3)}, snapshot);
        QVERIFY(!result.allOk);
        QCOMPARE(result.verdicts.value(1), u"warning"_s);
        QVERIFY(result.checks.at(0).isOk());
        QVERIFY(result.checks.at(1).up && !result.checks.at(1).onFixedAddress);
        QCOMPARE(result.checks.at(1).seenAddress, u"10.42.0.200"_s);
        QVERIFY(!result.checks.at(2).up);

        // The fixed address seen in a lease counts while the agent is still starting.
        InstallVerifier::Snapshot leasesOnly;
        for (int slot = 1; slot <= 3; ++slot)
            leasesOnly.leases.insert(mac(1, slot), QHostAddress(addressOf(structure, 1, slot)));
        const auto noAgents = InstallVerifier::verify(structure, {discovered(1, 3, 3)}, leasesOnly);
        QCOMPARE(noAgents.verdicts.value(1), u"ko"_s);
        QVERIFY(noAgents.checks.at(0).onFixedAddress && !noAgents.checks.at(0).up);
    }

    void emptySlotsAreNotWaitedFor()
    {
        const RackStructure structure = rack();
        InstallVerifier::Snapshot snapshot;
        agentUp(&snapshot, mac(1, 1), addressOf(structure, 1, 1));
        // Stack 1 accepted with one Pi of three; stack 2 accepted with none.
        const QList<InstallStack> stacks {discovered(1, 3, 1, InstallStack::Status::Accepted),
            discovered(2, 2, 0, InstallStack::Status::Accepted)};
        const auto result = InstallVerifier::verify(structure, stacks, snapshot);
        QVERIFY(result.allOk);
        QCOMPARE(result.verdicts.value(1), u"ok"_s);
        QCOMPARE(result.verdicts.value(2), u"empty"_s);
        QVERIFY(result.checks.at(1).mac.isEmpty());
        QList<InstallStack> judged = stacks;
        judged[0].verdict = result.verdicts.value(1);
        judged[1].verdict = result.verdicts.value(2);
        QCOMPARE(InstallVerifier::summary(judged, result.checks),
            (QStringList {u"stack 1 ok (2 empty slots not waited for)"_s,
                u"stack 2 empty (2 empty slots not waited for)"_s}));
    }

    void aSkippedStackIsJudgedOnThePisPlacedThere()
    {
        const RackStructure structure = rack();
        InstallStack skipped = discovered(2, 2, 0, InstallStack::Status::Skipped);
        InstallVerifier::Snapshot snapshot;
        NodeRecord placed;
        placed.mac = mac(2, 2);
        placed.stack = 2;
        placed.slot = 2;
        snapshot.placedNodes = {placed};
        const auto down = InstallVerifier::verify(structure, {skipped}, snapshot);
        QCOMPARE(down.verdicts.value(2), u"ko"_s);
        QCOMPARE(down.checks.at(1).mac, mac(2, 2));
        QVERIFY(down.checks.at(0).mac.isEmpty());
        agentUp(&snapshot, mac(2, 2), addressOf(structure, 2, 2));
        QCOMPARE(InstallVerifier::verify(structure, {skipped}, snapshot).verdicts.value(2), u"ok"_s);
        QCOMPARE(
            InstallVerifier::summary({skipped}, down.checks).constFirst().contains(u"s2-n2: agent not up"_s),
            true);
    }

    void aReplacementKeepsTheStacksOtherPis()
    {
        const RackStructure structure = rack();
        InstallStack replaced;
        replaced.id = 1;
        replaced.slots = {2};
        replaced.macs = {foundIn(u"dc:a6:32:00:0a:0a"_s, 2)};
        replaced.status = InstallStack::Status::Found;
        InstallVerifier::Snapshot snapshot;
        NodeRecord other;
        other.mac = mac(1, 1);
        other.stack = 1;
        other.slot = 1;
        NodeRecord old; // the failed Pi still holds slot 2 in the inventory until the new one is placed
        old.mac = mac(1, 2);
        old.stack = 1;
        old.slot = 2;
        snapshot.placedNodes = {other, old};
        agentUp(&snapshot, mac(1, 1), addressOf(structure, 1, 1));
        agentUp(&snapshot, u"dc:a6:32:00:0a:0a"_s, addressOf(structure, 1, 2));
        const auto result = InstallVerifier::verify(structure, {replaced}, snapshot);
        QCOMPARE(result.checks.at(0).mac, mac(1, 1));
        QCOMPARE(result.checks.at(1).mac, u"dc:a6:32:00:0a:0a"_s);
        QVERIFY(result.checks.at(2).mac.isEmpty());
        QCOMPARE(result.verdicts.value(1), u"ok"_s);
    }
};

QTEST_GUILESS_MAIN(TestInstallVerifier)
#include "tst_installverifier.moc"
