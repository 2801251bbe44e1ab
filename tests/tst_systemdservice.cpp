// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "fakenotifysocket.h"
#include "system/systemdservice.h"

#include <QTemporaryDir>
#include <QTest>

#include <cstring>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

class TestSystemdService : public QObject
{
    Q_OBJECT

    FakeNotifySocket m_systemd;

private Q_SLOTS:
    void init() { QVERIFY(m_systemd.open()); }
    void cleanup() { m_systemd.close(); }

    void sendsTheMessageWithItsDescriptors()
    {
        int pipeFds[2];
        QCOMPARE(pipe2(pipeFds, O_CLOEXEC), 0);
        QVERIFY(SystemdService::canNotify());
        QString error;
        QVERIFY2(SystemdService::notify("FDSTORE=1\nFDNAME=gpio-gpiochip0-18", {pipeFds[1]}, &error),
            qPrintable(error));
        QList<int> received;
        QCOMPARE(m_systemd.receive(&received), QByteArray("FDSTORE=1\nFDNAME=gpio-gpiochip0-18"));
        QCOMPARE(received.size(), 1);
        // The received descriptor is the same pipe: what is written to it comes out of the other end.
        QCOMPARE(write(received.at(0), "x", 1), ssize_t(1));
        char byte = 0;
        QCOMPARE(read(pipeFds[0], &byte, 1), ssize_t(1));
        QCOMPARE(byte, 'x');
        close(received.at(0));
        close(pipeFds[0]);
        close(pipeFds[1]);
    }

    void withoutASocketItSaysWhy()
    {
        qunsetenv("NOTIFY_SOCKET");
        QVERIFY(!SystemdService::canNotify());
        QString error;
        QVERIFY(!SystemdService::notify("READY=1", {}, &error));
        QCOMPARE(error, u"not started by systemd (NOTIFY_SOCKET is not set)"_s);
        qputenv("NOTIFY_SOCKET", "relative/path");
        QVERIFY(!SystemdService::notify("READY=1", {}, &error));
        QVERIFY(error.startsWith(u"NOTIFY_SOCKET is not a socket path"_s));
    }

    void takesTheInheritedDescriptorsOnce()
    {
        // Two descriptors at 3 and 4, as systemd would pass them.
        int pipeFds[2];
        QCOMPARE(pipe2(pipeFds, O_CLOEXEC), 0);
        const int saved3 = fcntl(3, F_DUPFD_CLOEXEC, 100);
        const int saved4 = fcntl(4, F_DUPFD_CLOEXEC, 100);
        QCOMPARE(dup2(pipeFds[0], 3), 3);
        QCOMPARE(dup2(pipeFds[1], 4), 4);
        qputenv("LISTEN_PID", QByteArray::number(qint64(getpid())));
        qputenv("LISTEN_FDS", "2");
        qputenv("LISTEN_FDNAMES", "gpio-gpiochip0-18:gpio-gpiochip0-25");
        const QList<SystemdService::InheritedFd> fds = SystemdService::takeInheritedFds();
        QCOMPARE(fds.size(), 2);
        QCOMPARE(fds.at(0).fd, 3);
        QCOMPARE(fds.at(0).name, u"gpio-gpiochip0-18"_s);
        QCOMPARE(fds.at(1).fd, 4);
        QCOMPARE(fds.at(1).name, u"gpio-gpiochip0-25"_s);
        // Close-on-exec now, and the variables are gone: children see none of it.
        QVERIFY(fcntl(3, F_GETFD) & FD_CLOEXEC);
        QVERIFY(qgetenv("LISTEN_FDS").isEmpty());
        QVERIFY(SystemdService::takeInheritedFds().isEmpty());

        // For another process (LISTEN_PID), or malformed: nothing.
        qputenv("LISTEN_PID", QByteArray::number(qint64(getpid()) + 1));
        qputenv("LISTEN_FDS", "2");
        QVERIFY(SystemdService::takeInheritedFds().isEmpty());
        qputenv("LISTEN_PID", QByteArray::number(qint64(getpid())));
        qputenv("LISTEN_FDS", "two");
        QVERIFY(SystemdService::takeInheritedFds().isEmpty());

        for (int fd : {pipeFds[0], pipeFds[1]})
            close(fd);
        if (saved3 >= 0) {
            dup2(saved3, 3);
            close(saved3);
        } else {
            close(3);
        }
        if (saved4 >= 0) {
            dup2(saved4, 4);
            close(saved4);
        } else {
            close(4);
        }
    }
};

QTEST_GUILESS_MAIN(TestSystemdService)
#include "tst_systemdservice.moc"
