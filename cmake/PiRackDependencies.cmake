# SPDX-FileCopyrightText: 2026 The PiRack authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Finds every library PiRack builds against. A missing one stops configure with the name of
# the Debian package that provides it, so a newcomer knows what to install.

find_package(PkgConfig QUIET)
if(NOT PkgConfig_FOUND)
    message(FATAL_ERROR "pkg-config was not found: install the Debian package 'pkg-config'.")
endif()

set(PIRACK_QT_MIN_VERSION 6.4)
set(_pirack_qt_components Core Network Widgets DBus SerialPort HttpServer Test)
# Which Debian package provides each Qt component.
set(_pirack_qt_package_Core qt6-base-dev)
set(_pirack_qt_package_Network qt6-base-dev)
set(_pirack_qt_package_Widgets qt6-base-dev)
set(_pirack_qt_package_DBus qt6-base-dev)
set(_pirack_qt_package_Test qt6-base-dev)
set(_pirack_qt_package_SerialPort qt6-serialport-dev)
# Debian 12's qt6-httpserver-dev needs qt6-websockets-dev's cmake files without depending on it.
set(_pirack_qt_package_HttpServer "qt6-httpserver-dev' and 'qt6-websockets-dev")

find_package(Qt6 ${PIRACK_QT_MIN_VERSION} QUIET COMPONENTS ${_pirack_qt_components})
foreach(_component IN LISTS _pirack_qt_components)
    if(NOT Qt6${_component}_FOUND)
        message(FATAL_ERROR
            "Qt ${PIRACK_QT_MIN_VERSION} (or newer) component ${_component} was not found: "
            "install the Debian package '${_pirack_qt_package_${_component}}'.")
    endif()
endforeach()

# The GPIO backend speaks the kernel's GPIO character device (uAPI v2, Linux 5.10 and later) itself.
include(CheckIncludeFileCXX)
check_include_file_cxx(linux/gpio.h PIRACK_HAVE_LINUX_GPIO_H)
if(NOT PIRACK_HAVE_LINUX_GPIO_H)
    message(FATAL_ERROR "linux/gpio.h was not found: install the Debian package 'linux-libc-dev'.")
endif()

find_package(Qt6Keychain QUIET)
if(NOT Qt6Keychain_FOUND)
    message(FATAL_ERROR "QtKeychain for Qt 6 was not found: install the Debian package 'qtkeychain-qt6-dev'.")
endif()

find_package(OpenSSL 3 QUIET COMPONENTS Crypto SSL)
if(NOT OpenSSL_FOUND)
    message(FATAL_ERROR "OpenSSL 3 (libcrypto) was not found: install the Debian package 'libssl-dev'.")
endif()

message(STATUS "PiRack: Qt ${Qt6_VERSION}, OpenSSL ${OPENSSL_VERSION}")
