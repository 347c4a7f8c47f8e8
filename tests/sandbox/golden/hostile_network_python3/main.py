import socket
for host, port in [("8.8.8.8", 53), ("93.184.216.34", 80), ("172.17.0.1", 2375)]:
    try:
        socket.create_connection((host, port), timeout=2).close()
        print("CONNECTED")
    except OSError:
        print("blocked")
try:
    socket.getaddrinfo("codeforces.com", 443)
    print("RESOLVED")
except OSError:
    print("blocked")
