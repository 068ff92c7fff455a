module gotracepprof

go 1.21
