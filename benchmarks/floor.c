/* The floor: what `mynacheck check --no-pin` does at the card, and nothing else.
 *
 *     gcc -O2 -o floor floor.c $(pkg-config --cflags --libs libpcsclite)
 *     ./floor [READER-INDEX]        (benchmarks/bench.py builds and runs it)
 *
 * Establish a PC/SC context, list the readers, connect exclusively to the one
 * at READER-INDEX (default 0), send the three APDUs of a PIN-less check on a
 * reader that takes extended lengths (SELECT the JPKI AP, READ BINARY of EF 000A
 * and of EF 000B by short file identifier, extended Le), unpower the card.
 * Prints the APDU count and the bytes read; exits 0 only if every status word was
 * 9000, 1 on a PC/SC failure, 2 on a refused APDU. No parsing, no evaluation: the
 * shortest program that makes the card do the same work.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <PCSC/winscard.h>

#ifndef SCARD_AUTOALLOCATE
#define SCARD_AUTOALLOCATE (DWORD)(-1)
#endif

static const BYTE SELECT_JPKI_AP[] = {0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0xF0,
                                      0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01};
/* READ BINARY, P1 = 0x80 | SFI (EF 000A, EF 000B), offset 0, extended Le = 0000 (all). */
static const BYTE READ_AUTH_CERT[] = {0x00, 0xB0, 0x8A, 0x00, 0x00, 0x00, 0x00};
static const BYTE READ_AUTH_CA[] = {0x00, 0xB0, 0x8B, 0x00, 0x00, 0x00, 0x00};

static int fail(const char *what, LONG rv) {
    fprintf(stderr, "floor: %s: %s (0x%08lX)\n", what, pcsc_stringify_error(rv),
            (unsigned long)rv);
    return 1;
}

int main(int argc, char **argv) {
    const struct {
        const BYTE *apdu;
        DWORD length;
    } commands[] = {
        {SELECT_JPKI_AP, sizeof SELECT_JPKI_AP},
        {READ_AUTH_CERT, sizeof READ_AUTH_CERT},
        {READ_AUTH_CA, sizeof READ_AUTH_CA},
    };
    static BYTE response[65538];
    int wanted = argc > 1 ? atoi(argv[1]) : 0;
    SCARDCONTEXT context;
    SCARDHANDLE card;
    DWORD protocol, names_length = SCARD_AUTOALLOCATE;
    LPSTR names = NULL;
    LONG rv;
    int status = 0;
    size_t total = 0;

    rv = SCardEstablishContext(SCARD_SCOPE_USER, NULL, NULL, &context);
    if (rv != SCARD_S_SUCCESS) return fail("SCardEstablishContext", rv);
    rv = SCardListReaders(context, NULL, (LPSTR)&names, &names_length);
    if (rv != SCARD_S_SUCCESS) return fail("SCardListReaders", rv);
    const char *reader = names;
    for (int index = 0; index < wanted && *reader; index++) reader += strlen(reader) + 1;
    if (!*reader) {
        fprintf(stderr, "floor: no reader %d\n", wanted);
        return 1;
    }
    rv = SCardConnect(context, reader, SCARD_SHARE_EXCLUSIVE,
                      SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &card, &protocol);
    if (rv != SCARD_S_SUCCESS) return fail("SCardConnect", rv);
    const SCARD_IO_REQUEST *pci = protocol == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        DWORD length = sizeof response;
        rv = SCardTransmit(card, pci, commands[i].apdu, commands[i].length, NULL, response,
                           &length);
        if (rv != SCARD_S_SUCCESS) {
            status = fail("SCardTransmit", rv);
            break;
        }
        if (length < 2 || response[length - 2] != 0x90 || response[length - 1] != 0x00) {
            fprintf(stderr, "floor: APDU %zu refused\n", i + 1);
            status = 2;
            break;
        }
        total += length - 2;
    }
    SCardDisconnect(card, SCARD_UNPOWER_CARD);
    SCardFreeMemory(context, names);
    SCardReleaseContext(context);
    if (status == 0) printf("3 APDUs, %zu bytes read\n", total);
    return status;
}
