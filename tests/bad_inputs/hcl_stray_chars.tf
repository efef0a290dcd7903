resource "aws_cloudtrail" "t" {
  name = "t"
}
@@@ ??? ### not hcl ~~~
