module gotracefixtures

go 1.19
