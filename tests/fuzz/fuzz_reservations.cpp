// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// dnsmasq's hosts file as rackd reads it back (written by us or by hand). What it reads must be
// written and read again unchanged, and merging it must keep one line per MAC, address and name.
#include "fuzzsupport.h"

#include "install/dnsmasqreservations.h"

#include <QSet>

using namespace Qt::Literals::StringLiterals;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    QStringList problems;
    const QList<Reservation> read = DnsmasqReservations::readHostsFile(Fuzz::bytes(data, size), &problems);

    const QByteArray written = DnsmasqReservations::hostsFileContent(read);
    QStringList again;
    const QList<Reservation> reread = DnsmasqReservations::readHostsFile(written, &again);
    PIRACK_FUZZ_CHECK(
        again.isEmpty() && reread == read, again.join(u'\n') + u"\n---\n"_s + QString::fromUtf8(written));
    DnsmasqReservations::namesFileContent(read);

    // The file as incoming reservations, alone and on top of itself as a new install would merge
    // them: one line per MAC, address and name, and no former MAC that has a line of its own.
    DnsmasqReservations::merged(read, {});
    for (const QList<Reservation> &merged :
        {DnsmasqReservations::merged({}, read), DnsmasqReservations::merged(read, read)}) {
        const QString file = QString::fromUtf8(DnsmasqReservations::hostsFileContent(merged));
        QSet<QString> macs, names;
        QSet<quint32> addresses;
        for (const Reservation &r : merged) {
            PIRACK_FUZZ_CHECK(!macs.contains(r.mac) && !addresses.contains(r.address.toIPv4Address())
                    && !names.contains(r.name),
                file);
            macs.insert(r.mac);
            addresses.insert(r.address.toIPv4Address());
            names.insert(r.name);
            PIRACK_FUZZ_CHECK(r.formerMacs.size() <= DnsmasqReservations::FormerMacsKept, file);
        }
        for (const Reservation &r : merged) {
            for (const QString &former : r.formerMacs)
                PIRACK_FUZZ_CHECK(!macs.contains(former), file);
        }
    }
    return 0;
}
