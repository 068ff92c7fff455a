module gotracefixtures/gotest

go 1.19
