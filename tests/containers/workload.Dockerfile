# The workload image of the engine tests: the local base, sexton copied in
# from its own image as the README shows, and the test probes.
FROM localhost/sexton-base:test
COPY --from=localhost/sexton:test /sexton /sexton
COPY helpers/ /usr/local/bin/
ENTRYPOINT ["/sexton", "--"]
